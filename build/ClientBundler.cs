// The web client's bundle (docs/WEB-CLIENT.md, "One file over the wire"): the ES modules reached from
// wwwroot/js/app.js by static imports, joined into one module in the order the browser would run them, without their
// comment lines. Compiled by MSBuild at build time (build/ClientBundle.targets, RoslynCodeTaskFactory), and by the
// tests with CLIENT_BUNDLER_LOGIC_ONLY (no MSBuild types there).
//
// It reads the modules as they are written in this repository, not any JavaScript:
// - imports are one line each: `import { a, b } from './x.js';` or `import Name from './x.js';` (no `as`, no `*`);
// - exports are `export function|async function|class|const|let` on a declaration, or `export default` (a table);
// - a top-level declaration starts at the beginning of its line (one name, no destructuring), so the bundler can see
//   every module's top-level names and refuse two modules that declare the same one (one scope in the bundle);
// - a line that starts with `//`, or a `/* ... */` block that starts its line and ends one, is a comment;
// - a template literal stays on one line.
// Anything else that looks like an import or export stops the build with the file and line, rather than guess.

#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace IrcStream.Build
{
#if !CLIENT_BUNDLER_LOGIC_ONLY
    /// <summary>The MSBuild task: writes the bundle of <see cref="Entry"/> to <see cref="Output"/>.</summary>
    public sealed class BundleClientModules : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string Entry { get; set; } = "";

        [Microsoft.Build.Framework.Required]
        public string Output { get; set; } = "";

        public override bool Execute()
        {
            try
            {
                var bundle = ClientBundler.Bundle(Entry, File.ReadAllText);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Output))!);
                File.WriteAllText(Output, bundle, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Client bundle: {Output} ({bundle.Length} characters)");
                return true;
            }
            catch (ClientBundleException error)
            {
                Log.LogError(error.Message);
                return false;
            }
        }
    }
#endif

    /// <summary>A module the bundler cannot join safely; the message names the file and line.</summary>
    public sealed class ClientBundleException(string message) : Exception(message);

    public static class ClientBundler
    {
        /// <summary>Names a module must not declare at its top level: in one scope they would hide the browser's own.</summary>
        private static readonly HashSet<string> BrowserGlobals = new(StringComparer.Ordinal)
        {
            "window", "document", "location", "history", "navigator", "name", "status", "event", "origin", "open", "close",
            "focus", "blur", "parent", "top", "self", "length", "screen", "performance", "crypto", "fetch", "print", "alert",
            "confirm", "prompt", "localStorage", "sessionStorage", "console", "setTimeout", "clearTimeout", "Notification",
            "Worker", "URL", "Intl", "frames", "opener", "closed", "external", "find", "stop", "scroll",
        };

        private static readonly Regex NamedImport = new(@"^import\s*\{([^}]*)\}\s*from\s*'(\.{1,2}/[^']+\.js)';$", RegexOptions.CultureInvariant);
        private static readonly Regex DefaultImport = new(@"^import\s+([A-Za-z_$][\w$]*)\s+from\s*'(\.{1,2}/[^']+\.js)';$", RegexOptions.CultureInvariant);
        private static readonly Regex ExportedDeclaration = new(@"^export\s+(?=(?:async\s+function|function|class|const|let)\b)", RegexOptions.CultureInvariant);
        private static readonly Regex DefaultExport = new(@"^export\s+default\s+", RegexOptions.CultureInvariant);
        private static readonly Regex TopLevelName = new(@"^(?:async\s+function\*?|function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)", RegexOptions.CultureInvariant);
        private static readonly Regex TopLevelDestructuring = new(@"^(?:const|let|var)\s*[\[{]", RegexOptions.CultureInvariant);
        private static readonly Regex Identifier = new(@"^[A-Za-z_$][\w$]*$", RegexOptions.CultureInvariant);

        /// <summary>
        /// The bundle of the module at <paramref name="entryPath"/> and every module it reaches by static imports,
        /// each once, in the order the browser evaluates them (a module after the ones it imports, imports in the
        /// order written). Dynamic <c>import()</c> stays as it is, relative to the bundle, which must therefore sit
        /// in the entry's folder.
        /// </summary>
        public static string Bundle(string entryPath, Func<string, string> read)
        {
            var entry = Path.GetFullPath(entryPath);
            var root = Path.GetDirectoryName(entry)!;
            var modules = new List<Module>();
            var visiting = new HashSet<string>(StringComparer.Ordinal);
            var done = new Dictionary<string, Module>(StringComparer.Ordinal);
            Visit(entry);

            var declaredBy = new Dictionary<string, Module>(StringComparer.Ordinal);
            foreach (var module in modules)
            {
                foreach (var (name, line) in module.TopLevel)
                {
                    if (BrowserGlobals.Contains(name))
                        throw new ClientBundleException($"{module.Path}({line}): the top-level name '{name}' would hide the browser's own in the bundle; rename it.");
                    if (declaredBy.TryGetValue(name, out var other))
                        throw new ClientBundleException($"{module.Path}({line}): '{name}' is declared at the top level of {other.Path} too; in the bundle both share one scope, so rename one.");
                    declaredBy[name] = module;
                }
            }
            foreach (var module in modules)
            {
                foreach (var import in module.Imports)
                {
                    var target = done[import.Target];
                    foreach (var name in import.Names)
                    {
                        if (!target.Exports.Contains(name))
                            throw new ClientBundleException($"{module.Path}({import.Line}): '{name}' is imported from {target.Path}, which does not export it.");
                    }
                    if (import.DefaultAs is not null && target.DefaultName is null)
                        throw new ClientBundleException($"{module.Path}({import.Line}): {target.Path} has no default export.");
                }
            }

            var text = new StringBuilder();
            text.Append("// The web client in one module: built from wwwroot/js by build/ClientBundler.cs. Edit those files, not this one.\n");
            foreach (var module in modules)
            {
                text.Append("// ").Append(Relative(root, module.Path)).Append('\n');
                foreach (var line in module.Lines) text.Append(line.Render(done)).Append('\n');
            }
            return text.ToString();

            void Visit(string path)
            {
                if (done.ContainsKey(path) || !visiting.Add(path)) return;
                var module = Parse(path, Relative(root, path), read(path));
                foreach (var import in module.Imports) Visit(import.Target);
                visiting.Remove(path);
                done[path] = module;
                modules.Add(module);
            }
        }

        /// <summary>The path of a module under the entry's folder, with forward slashes.</summary>
        private static string Relative(string root, string path)
        {
            var prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
                throw new ClientBundleException($"{path}: imported from outside {root}; the bundle takes the client's own modules only.");
            return path.Substring(prefix.Length).Replace('\\', '/');
        }

        private static Module Parse(string path, string relative, string source)
        {
            var module = new Module(path);
            var folder = Path.GetDirectoryName(path)!;
            var lines = source.Replace("\r\n", "\n").Split('\n');
            var inBlock = false;
            for (var index = 0; index < lines.Length; index++)
            {
                var number = index + 1;
                var line = lines[index].TrimEnd();
                var trimmed = line.TrimStart();
                if (inBlock)
                {
                    var end = trimmed.IndexOf("*/", StringComparison.Ordinal);
                    if (end < 0) continue;
                    if (end != trimmed.Length - 2)
                        throw new ClientBundleException($"{path}({number}): code after the end of a block comment; put it on its own line.");
                    inBlock = false;
                    continue;
                }
                if (trimmed.Length == 0 || trimmed.StartsWith("//", StringComparison.Ordinal)) continue;
                if (trimmed.StartsWith("/*", StringComparison.Ordinal))
                {
                    var end = trimmed.IndexOf("*/", 2, StringComparison.Ordinal);
                    if (end < 0) inBlock = true;
                    else if (end != trimmed.Length - 2)
                        throw new ClientBundleException($"{path}({number}): code after a one-line block comment; put it on its own line.");
                    continue;
                }

                if (line.StartsWith("import", StringComparison.Ordinal) && !line.StartsWith("import(", StringComparison.Ordinal))
                {
                    if (ParseImport(module, folder, path, number, line) is { } bound) module.Lines.Add(bound);
                    continue;
                }
                if (line.StartsWith("export", StringComparison.Ordinal))
                {
                    if (DefaultExport.Match(line) is { Success: true } defaultExport)
                    {
                        if (module.DefaultName is not null)
                            throw new ClientBundleException($"{path}({number}): a second default export.");
                        module.DefaultName = "default$" + Regex.Replace(relative.Substring(0, relative.Length - 3), @"[^\w]", "_");
                        // Seen as a top-level name below, like any declaration.
                        line = $"const {module.DefaultName} = {line.Substring(defaultExport.Length)}";
                    }
                    else if (ExportedDeclaration.Match(line) is { Success: true } exported)
                    {
                        line = line.Substring(exported.Length);
                        module.Exports.Add(TopLevelName.Match(line).Groups[1].Value);
                    }
                    else
                    {
                        throw new ClientBundleException($"{path}({number}): an export the bundler does not know; export a declaration (export function f, export const c) or a default.");
                    }
                }
                if (line.Length > 0 && !char.IsWhiteSpace(line[0]))
                {
                    if (TopLevelDestructuring.IsMatch(line))
                        throw new ClientBundleException($"{path}({number}): a top-level declaration of several names; declare one name per line.");
                    if (TopLevelName.Match(line) is { Success: true } declared) module.TopLevel.Add((declared.Groups[1].Value, number));
                }
                module.Lines.Add(new Line(line, null));
            }
            if (inBlock) throw new ClientBundleException($"{path}: a block comment that never ends.");
            return module;
        }

        private static Line? ParseImport(Module module, string folder, string path, int number, string line)
        {
            if (NamedImport.Match(line) is { Success: true } named)
            {
                var names = named.Groups[1].Value.Split(',').Select(n => n.Trim()).Where(n => n.Length > 0).ToArray();
                foreach (var name in names)
                {
                    if (!Identifier.IsMatch(name))
                        throw new ClientBundleException($"{path}({number}): '{name}' in an import; the bundler joins modules by name, so import names as they are exported (no 'as').");
                }
                module.Imports.Add(new Import(Path.GetFullPath(Path.Combine(folder, named.Groups[2].Value)), names, null, number));
                return null;
            }
            if (DefaultImport.Match(line) is { Success: true } byDefault)
            {
                var import = new Import(Path.GetFullPath(Path.Combine(folder, byDefault.Groups[2].Value)), [], byDefault.Groups[1].Value, number);
                module.Imports.Add(import);
                module.TopLevel.Add((import.DefaultAs!, number));
                return new Line("", import);
            }
            throw new ClientBundleException($"{path}({number}): an import the bundler does not know; write `import {{ a, b }} from './x.js';` or `import Name from './x.js';` on one line.");
        }

        private sealed class Module(string path)
        {
            public string Path { get; } = path;
            public List<Line> Lines { get; } = [];
            public List<Import> Imports { get; } = [];
            public HashSet<string> Exports { get; } = new(StringComparer.Ordinal);
            public List<(string Name, int Line)> TopLevel { get; } = [];
            public string? DefaultName { get; set; }
        }

        private sealed class Import(string target, string[] names, string? defaultAs, int line)
        {
            public string Target { get; } = target;
            public string[] Names { get; } = names;
            public string? DefaultAs { get; } = defaultAs;
            public int Line { get; } = line;
        }

        /// <summary>A line of the bundle; a default import becomes a constant bound to the other module's default.</summary>
        private sealed class Line(string text, Import? defaultImport)
        {
            public string Render(Dictionary<string, Module> modules) =>
                defaultImport is { } import ? $"const {import.DefaultAs} = {modules[import.Target].DefaultName};" : text;
        }
    }
}
