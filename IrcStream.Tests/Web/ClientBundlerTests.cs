using IrcStream.Build;

namespace IrcStream.Tests.Web;

/// <summary>
/// The bundler that joins the web client's modules into one file at build (build/ClientBundler.cs): the order the
/// browser would run them in, imports resolved by name, comments dropped, and a refusal with the file and line for
/// anything it cannot join safely. The real client's bundle is checked as served in <see cref="WebClientServingTests"/>.
/// </summary>
public sealed class ClientBundlerTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "bundler-test", "js");

    private static string Bundle(params (string Name, string Source)[] modules)
    {
        var files = modules.ToDictionary(m => Path.GetFullPath(Path.Combine(Root, m.Name)), m => m.Source);
        return ClientBundler.Bundle(Path.Combine(Root, modules[0].Name), path => files[path]);
    }

    private static string[] CodeLines(string bundle) =>
        bundle.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void ModulesComeInTheOrderTheBrowserRunsThemWithTheirImportsResolved()
    {
        var bundle = Bundle(
            ("app.js", "import { greet } from './greet.js';\nimport { NAME } from './name.js';\n\ngreet(NAME);\n"),
            ("greet.js", "import TABLE from './lang/en.js';\n\nexport function greet(name) {\n  console.log(`${TABLE.hello} ${name}`);\n}\n"),
            ("name.js", "export const NAME = 'world';\n"),
            ("lang/en.js", "export default {\n  hello: 'Hello',\n};\n"));

        CodeLines(bundle).Should().Equal(
            "const default$lang_en = {", "  hello: 'Hello',", "};",
            "const TABLE = default$lang_en;",
            "function greet(name) {", "  console.log(`${TABLE.hello} ${name}`);", "}",
            "const NAME = 'world';",
            "greet(NAME);");
        bundle.Split('\n').Where(l => l.StartsWith("// ", StringComparison.Ordinal)).Skip(1).Should()
            .Equal("// lang/en.js", "// greet.js", "// name.js", "// app.js");
    }

    [Fact]
    public void AModuleImportedTwiceOrInACycleComesOnce()
    {
        var bundle = Bundle(
            ("app.js", "import { a } from './a.js';\nimport { b } from './b.js';\na(); b();\n"),
            ("a.js", "import { b } from './b.js';\nexport function a() { return b; }\n"),
            ("b.js", "import { a } from './a.js';\nexport function b() { return a; }\n"));

        CodeLines(bundle).Should().Equal("function b() { return a; }", "function a() { return b; }", "a(); b();");
    }

    [Fact]
    public void CommentLinesGoAndCodeThatMerelyContainsSlashesStays()
    {
        var bundle = Bundle(("app.js", """
            // What the file holds.

            /**
             * A block that spans lines.
             */
            /** One line. */
            const url = 'https://example.org/a//b'; // said after code, kept
            const pattern = /\/\//g;
              // indented comment
            export function f() {
              /* inside */
              return url.replace(pattern, '/');
            }
            """));

        CodeLines(bundle).Should().Equal(
            "const url = 'https://example.org/a//b'; // said after code, kept",
            "const pattern = /\\/\\//g;",
            "function f() {",
            "  return url.replace(pattern, '/');",
            "}");
    }

    [Fact]
    public void TwoModulesDeclaringOneTopLevelNameAreRefusedWithBothFiles()
    {
        var refuse = () => Bundle(
            ("app.js", "import { a } from './a.js';\nconst helper = 1;\na(helper);\n"),
            ("a.js", "function helper() {}\nexport function a() { helper(); }\n"));

        refuse.Should().Throw<ClientBundleException>().Which.Message.Should()
            .Contain("app.js(2)").And.Contain("'helper'").And.Contain("a.js");
    }

    [Theory]
    [InlineData("import { a as b } from './a.js';\nb();\n", "no 'as'")]
    [InlineData("import * as all from './a.js';\nall.a();\n", "an import the bundler does not know")]
    [InlineData("import { c } from './a.js';\nc();\n", "does not export it")]
    [InlineData("import { a } from './a.js';\nexport { a };\n", "an export the bundler does not know")]
    [InlineData("import { a } from './a.js';\nconst { x, y } = a();\n", "one name per line")]
    [InlineData("import { a } from './a.js';\nconst location = a();\n", "hide the browser's own")]
    [InlineData("import { a } from './a.js';\n/* a */ a();\n", "code after a one-line block comment")]
    public void WhatItCannotJoinSafelyStopsTheBuildWithTheLine(string app, string reason)
    {
        var refuse = () => Bundle(("app.js", app), ("a.js", "export function a() {}\n"));

        refuse.Should().Throw<ClientBundleException>().Which.Message.Should().Contain("app.js(").And.Contain(reason);
    }
}
