using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Configuration;

public static class ConfigurationSetup
{
    /// <summary>Binds the <c>IrcStream</c> section and validates it when the gateway starts, not on first use.</summary>
    public static IServiceCollection AddIrcStreamOptions(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(IrcStreamOptions.SectionName);
        services.AddOptions<IrcStreamOptions>()
            // Before binding, which would otherwise drop or trip over a list given as one value.
            .Configure(_ => ListSettings.ThrowOnSingleValues(section))
            // A misspelt key stops the gateway too, instead of leaving its setting at the default unnoticed.
            .Bind(section, binder => binder.ErrorOnUnknownConfiguration = true)
            .PostConfigure(options =>
            {
                if (options.AllowedServers.Count == 0) options.AllowedServers.AddRange(IrcStreamOptions.DefaultAllowedServers);
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IrcStreamOptions>, IrcStreamOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
