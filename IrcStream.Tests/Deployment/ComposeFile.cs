using YamlDotNet.RepresentationModel;

namespace IrcStream.Tests.Deployment;

/// <summary>One service of a compose file, with the parts the deployment tests look at.</summary>
internal sealed record ComposeService(
    string Name,
    string? Image,
    string? Build,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> Ports,
    IReadOnlyList<string> Volumes);

/// <summary>Reads docker-compose.yml with a real YAML parser; environment in either map or KEY=value list form.</summary>
internal static class ComposeFile
{
    public static IReadOnlyList<ComposeService> Load(string path)
    {
        using var reader = new StreamReader(path);
        var yaml = new YamlStream();
        yaml.Load(reader);
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var services = (YamlMappingNode)root.Children[new YamlScalarNode("services")];
        return services.Children.Select(service => Read(((YamlScalarNode)service.Key).Value!, (YamlMappingNode)service.Value)).ToArray();
    }

    private static ComposeService Read(string name, YamlMappingNode service) => new(
        name,
        Scalar(service, "image"),
        service.Children.TryGetValue(new YamlScalarNode("build"), out var build)
            ? build is YamlScalarNode context ? context.Value : Scalar((YamlMappingNode)build, "context")
            : null,
        Environment(service),
        Sequence(service, "ports"),
        Sequence(service, "volumes"));

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static IReadOnlyList<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? ((YamlSequenceNode)value).Children.Select(item => ((YamlScalarNode)item).Value ?? "").ToArray()
            : [];

    private static IReadOnlyDictionary<string, string> Environment(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue(new YamlScalarNode("environment"), out var environment)) return new Dictionary<string, string>();
        return environment switch
        {
            YamlMappingNode map => map.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value ?? ""),
            YamlSequenceNode list => list.Children
                .Select(item => ((YamlScalarNode)item).Value!.Split('=', 2))
                .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : ""),
            _ => throw new InvalidDataException("A service's environment is neither a map nor a list."),
        };
    }
}
