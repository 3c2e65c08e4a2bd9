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
                        $"(in the environment {key.Replace(":", "__", StringComparison.Ordinal)}__0).");
                }
            }
            else if (property.PropertyType.IsClass && property.PropertyType.Namespace == typeof(IrcStreamOptions).Namespace)
            {
                Check(section.GetSection(property.Name), property.PropertyType, key, failures);
            }
        }
    }
}
