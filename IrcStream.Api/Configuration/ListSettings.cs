using System.Reflection;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Configuration;

/// <summary>
/// Refuses a list setting given as one value (<c>IrcStream__AllowedServers=irc.libera.chat:6697</c>). The binder
/// would ignore it when appsettings.json has entries, leaving the defaults in force unnoticed, or fail with a
/// conversion message that does not say how to write a list.
/// </summary>
internal static class ListSettings
{
    /// <summary>The options classes' namespaces (IrcStream.Api.Configuration, .Admin, ...): sections to look into.</summary>
    private const string RootNamespace = "IrcStream.Api";

    public static void ThrowOnSingleValues(IConfiguration section)
    {
        var failures = new List<string>();
        Check(section, typeof(IrcStreamOptions), IrcStreamOptions.SectionName, failures);
        if (failures.Count > 0) throw new OptionsValidationException(IrcStreamOptions.SectionName, typeof(IrcStreamOptions), failures);
    }

    private static void Check(IConfiguration section, Type type, string path, List<string> failures)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var key = $"{path}:{property.Name}";
            if (property.PropertyType == typeof(List<string>))
            {
                // An empty JSON array shows up as an empty value.
                if (section[property.Name] is { Length: > 0 } value)
                {
                    failures.Add($"{key} is a list but was given one value ('{value}'); give each entry its own key: {key}:0, {key}:1, ... " +
                        $"(in the environment {EnvironmentName(key)}__0).");
                }
            }
            else if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                // A list of objects (IrcStream:Admin:Keys): the value is not repeated, since it may be a secret.
                if (section[property.Name] is { Length: > 0 })
                {
                    var entries = property.PropertyType.GetGenericArguments()[0].GetProperties(BindingFlags.Public | BindingFlags.Instance)
                        .Select(p => $"{key}:0:{p.Name}").ToArray();
                    failures.Add($"{key} is a list but was given one value; give each entry its own keys: {string.Join(", ", entries)}, then {key}:1:... for the next " +
                        $"(in the environment {string.Join(", ", entries.Select(EnvironmentName))}).");
                }
            }
            else if (property.PropertyType.IsClass && property.PropertyType.Namespace?.StartsWith(RootNamespace, StringComparison.Ordinal) == true)
            {
                Check(section.GetSection(property.Name), property.PropertyType, key, failures);
            }
        }
    }

    private static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);
}
