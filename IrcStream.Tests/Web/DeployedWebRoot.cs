using System.Text.Json;

namespace IrcStream.Tests.Web;

/// <summary>
/// A copy of the client's files laid out as <c>dotnet publish</c> lays out a gateway's wwwroot: each file the build's
/// static web assets manifest knows (the files of wwwroot, the bundle, their compressed copies) at the path it is
/// served from. What an operator then adds to the folder is a file the build never saw.
/// </summary>
public sealed class DeployedWebRoot : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("ircstream-wwwroot-");

    public DeployedWebRoot()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "IrcStream.Api.staticwebassets.runtime.json");
        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var contentRoots = json.RootElement.GetProperty("ContentRoots").EnumerateArray().Select(r => r.GetString()!).ToArray();
        Copy(json.RootElement.GetProperty("Root"), "");

        void Copy(JsonElement node, string path)
        {
            if (node.TryGetProperty("Asset", out var asset) && asset.ValueKind == JsonValueKind.Object)
            {
                var from = Path.Combine(contentRoots[asset.GetProperty("ContentRootIndex").GetInt32()], asset.GetProperty("SubPath").GetString()!);
                var to = Path.Combine(Folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to);
            }
            if (node.TryGetProperty("Children", out var children) && children.ValueKind == JsonValueKind.Object)
            {
                foreach (var child in children.EnumerateObject()) Copy(child.Value, path.Length == 0 ? child.Name : $"{path}/{child.Name}");
            }
        }
    }

    /// <summary>The folder, to pass as the gateway's web root.</summary>
    public string Folder => _root.FullName;

    public void Dispose() => _root.Delete(recursive: true);
}
