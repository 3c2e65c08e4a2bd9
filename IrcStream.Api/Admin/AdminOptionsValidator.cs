using System.Globalization;
using IrcStream.Api.Configuration;
using IrcStream.Domain.Protocol;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Admin;

/// <summary>Checks <c>IrcStream:Admin</c> at start-up, so a mistyped key hash stops the gateway instead of locking its operator out.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<IrcStreamOptions>
{
    private const string Section = $"{IrcStreamOptions.SectionName}:Admin";

    public ValidateOptionsResult Validate(string? name, IrcStreamOptions options)
    {
        var admin = options.Admin;
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < admin.Keys.Count; i++)
        {
            var key = admin.Keys[i];
            var at = $"{Section}:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name) || key.Name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                failures.Add($"{at}:Name ('{key.Name}') is empty or holds white space; it accepts a name for the log, like \"alice\" or \"abuse-script\".");
            else if (!names.Add(key.Name))
                failures.Add($"{at}:Name ('{key.Name}') is the name of an earlier key too; give each key its own name, so the log says who did what.");
            if (key.Sha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
                failures.Add($"{at}:Sha256 is not a SHA-256 in hex (64 characters 0-9, a-f); write the hash of the key, not the key: printf %s \"$KEY\" | sha256sum.");
        }
        if (IrcParameters.TextProblem(admin.QuitReason, "reason", AdminApi.MaxReasonLength, allowSpaces: true) is { } problem)
            failures.Add($"{Section}:QuitReason ('{admin.QuitReason}') is not valid: {problem} It accepts a short sentence.");
        if (admin.RateLimit.PermitLimit is < 1 or > 1_000_000)
            failures.Add($"{Section}:RateLimit:PermitLimit is {admin.RateLimit.PermitLimit.ToString(CultureInfo.InvariantCulture)}; it accepts a whole number from 1 to 1000000.");
        if (admin.RateLimit.Window < TimeSpan.FromMilliseconds(1) || admin.RateLimit.Window > TimeSpan.FromDays(1))
            failures.Add($"{Section}:RateLimit:Window is {admin.RateLimit.Window}; it accepts a duration from 00:00:00.001 to 1.00:00:00.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
