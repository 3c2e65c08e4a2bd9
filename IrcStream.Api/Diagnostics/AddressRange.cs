using System.Net;
using IrcStream.Api.Http;

namespace IrcStream.Api.Diagnostics;

/// <summary>An address list entry: one IP (<c>10.0.0.5</c>, <c>::1</c>) or a CIDR network (<c>10.0.0.0/8</c>).</summary>
internal static class AddressRange
{
    public static bool TryParse(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (IPAddress.TryParse(text, out var address) && !text.Contains('/'))
        {
            address = ClientAddress.Normalize(address);
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }
        return IPNetwork.TryParse(text, out network);
    }

    /// <summary>For entries the options validator already accepted.</summary>
    public static IPNetwork Parse(string text) =>
        TryParse(text, out var network) ? network : throw new FormatException($"'{text}' is not an IP address or a CIDR network.");
}
