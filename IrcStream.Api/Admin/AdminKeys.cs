using System.Security.Cryptography;
using System.Text;
using IrcStream.Api.Configuration;
using Microsoft.Extensions.Options;

namespace IrcStream.Api.Admin;

/// <summary>
/// The configured admin keys, as hashes: a request's <c>Authorization: Bearer {key}</c> is hashed with SHA-256 and
/// compared with every configured hash in constant time, so neither the keys nor how much of one a guess got right
/// can be learnt from the configuration or from timing.
/// </summary>
internal sealed class AdminKeys(IOptions<IrcStreamOptions> options)
{
    private const string Scheme = "Bearer ";

    private readonly (string Name, byte[] Hash)[] _keys =
        [.. options.Value.Admin.Keys.Select(k => (k.Name!, Convert.FromHexString(k.Sha256!)))];

    /// <summary>The name of the key the header carries; null when it carries none that is configured.</summary>
    public string? Authenticate(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)) return null;
        var secret = authorization.AsSpan(Scheme.Length).Trim();
        if (secret.IsEmpty) return null;
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(secret.ToString());
        SHA256.HashData(bytes, hash);
        string? found = null;
        // Every key is compared, whichever matches.
        foreach (var (name, expected) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, expected)) found ??= name;
        }
        return found;
    }
}
