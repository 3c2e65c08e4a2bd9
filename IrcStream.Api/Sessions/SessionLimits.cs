namespace IrcStream.Api.Sessions;

/// <summary>
/// Counts live sessions, gateway-wide and per client address, so that a script sending cookie-less requests
/// cannot grow the session cache without bound. A slot is taken before a session is created and given back
/// exactly once when it ends; one lock keeps both counts and the check-then-take atomic.
/// </summary>
internal sealed class SessionLimits(int maxSessions, int maxPerAddress)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _perAddress = new(StringComparer.Ordinal);
    private int _total;

    public enum Outcome { Taken, GatewayFull, AddressFull }

    public int MaxSessions => maxSessions;
    public int MaxPerAddress => maxPerAddress;

    /// <summary>Sessions counted now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _total;
        }
    }

    /// <summary>Sessions counted now for <paramref name="address"/>.</summary>
    public int CountFor(string address)
    {
        lock (_gate) return _perAddress.GetValueOrDefault(address);
    }

    public Outcome TryTake(string address)
    {
        lock (_gate)
        {
            // The address's own cap first: a client over it is told so (429) even when the gateway is full too.
            var held = _perAddress.GetValueOrDefault(address);
            if (held >= maxPerAddress) return Outcome.AddressFull;
            if (_total >= maxSessions) return Outcome.GatewayFull;
            _perAddress[address] = held + 1;
            _total++;
            return Outcome.Taken;
        }
    }

    public void Return(string address)
    {
        lock (_gate)
        {
            var held = _perAddress.GetValueOrDefault(address);
            if (held <= 1) _perAddress.Remove(address);
            else _perAddress[address] = held - 1;
            _total--;
        }
    }
}
