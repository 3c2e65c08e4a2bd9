namespace IrcStream.Tests.Deployment;

public sealed class InspircdConfigFileTests
{
    [Fact]
    public void ReadsTagsSpanningLinesAndSkipsComments()
    {
        const string text = """
            # <module name="commented-out">
            <bind address="" port="6667" type="clients"> # trailing comment
            <connect name="main"
                     allow="*"
                     localmax="10">
            <cgihost type="webirc" password="a#b" mask="*">
            """;

        var tags = InspircdConfigFile.Parse(text);

        tags.Select(t => t.Name).Should().Equal("bind", "connect", "cgihost");
        tags[0]["port"].Should().Be("6667");
        tags[0]["address"].Should().BeEmpty();
        tags[1]["localmax"].Should().Be("10");
        tags[2]["password"].Should().Be("a#b", "a '#' inside quotes is part of the value");
    }

    [Fact]
    public void MissingAttributeSaysWhichTagLacksIt()
    {
        var tag = InspircdConfigFile.Parse("<bind port=\"6667\">").Single();

        var read = () => tag["type"];

        read.Should().Throw<KeyNotFoundException>().WithMessage("<bind> has no type=*");
    }
}
