using System.Net;

namespace IrcStream.Api.Admin;

/// <summary>
/// An address or network refused new sessions and connections until <see cref="Ends"/>. <see cref="Address"/> is
/// the network as the ban holds it (<c>198.51.100.7/32</c>, <c>2001:db8:1:2::/64</c>).
/// </summary>
public sealed record Ban(string Id, string Address, string Reason, DateTimeOffset Created, DateTimeOffset Ends, string By)
{
    public bool Covers(IPAddress address) => IPNetwork.TryParse(Address, out var network) && network.Contains(address);
}
