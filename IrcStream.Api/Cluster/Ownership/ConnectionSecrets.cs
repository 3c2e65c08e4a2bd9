using Microsoft.AspNetCore.DataProtection;

namespace IrcStream.Api.Cluster;

/// <summary>
/// A connection's server password and SASL password as they are written into its Redis record (a node taking the
/// connection over must register again with them): encrypted with ASP.NET Core Data Protection, whose key ring lives
/// in the same Redis (<see cref="RedisKeys.DataProtectionKeys"/>), so every node of the gateway can decrypt them and
/// nothing that reads only the records can. Whoever can read the key ring can too: protect Redis itself (password,
/// TLS, a private network) as the key ring's only guard.
/// </summary>
internal sealed class ConnectionSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("IrcStream.Cluster.ConnectionSecrets.v1");

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : _protector.Protect(secret);

    public string? Unprotect(string? protectedSecret) => string.IsNullOrEmpty(protectedSecret) ? null : _protector.Unprotect(protectedSecret);
}
