using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Configuration;

public static class ConfigurationSetup
{
    /// <summary>Binds the <c>IrcStream</c> section and validates it when the gateway starts, not on first use.</summary>
    public static IServiceCollection AddIrcStreamOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IrcStreamOptions>()
            .Bind(configuration.GetSection(IrcStreamOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IrcStreamOptions>, IrcStreamOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
