using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// The enabled caps, from every CAP ACK/DEL (the gateway's own requests and the client's alike); cap-notify's NEW
/// after the welcome, answered by requesting the wanted caps not yet enabled; and who records the user's own
/// messages: the server when echo-message is on, the gateway otherwise.
/// </summary>
public sealed partial class IrcClient
{
    private const string EchoMessage = "echo-message";

    private void FollowCaps(string subcommand, string caps, DateTimeOffset now, IrcClientOutput output)
    {
        var names = caps.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var state = _state;
        switch (subcommand)
        {
            case "ACK":
                var enabled = state.Caps.ToList();
                foreach (var cap in names)
                {
                    if (cap.StartsWith('-')) enabled.Remove(cap[1..]);
                    else if (cap.TrimStart('~', '=') is var added && !enabled.Contains(added)) enabled.Add(added);
                }
                _state = state with { Caps = [.. enabled] };
                break;
            case "DEL":
                _state = state with { Caps = [.. state.Caps.Where(cap => !names.Contains(cap))] };
                break;
            // Before the welcome registration negotiates; a client that registers itself asked for cap-notify and answers NEW itself.
            case "NEW" when state.Welcomed && GatewayRegisters:
                RequestNewCaps(names, now, output);
                return;
            case "NAK":
                break;
            default:
                return;
        }
        var answersEchoRequest = subcommand is "ACK" or "NAK" && names.Any(cap => cap.TrimStart('-', '~', '=') == EchoMessage);
        if (answersEchoRequest) SettleHeldMessages(echoed: _state.HasCap(EchoMessage), output);
    }

    /// <summary>SASL is not among them: logging in is part of registration, which is over.</summary>
    private void RequestNewCaps(string[] offered, DateTimeOffset now, IrcClientOutput output)
    {
        var names = offered.Select(token => token.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        var wanted = WantedCaps.Where(cap => names.Contains(cap) && !_state.HasCap(cap)).ToList();
        if (wanted.Count > 0) Send($"CAP REQ :{string.Join(' ', wanted)}", now, output);
    }

    /// <summary>
    /// Ends the hold-back of own lines written while a REQ naming echo-message awaited its answer. The server
    /// processed them after the REQ, so they are echoed exactly when the answer left echo-message on
    /// (<paramref name="echoed"/>), and recorded here otherwise; a socket that ends before the answer came echoes
    /// none of them.
    /// </summary>
    private void SettleHeldMessages(bool echoed, IrcClientOutput output)
    {
        var state = _state;
        if (!state.EchoRequestPending) return;
        if (!echoed)
        {
            foreach (var held in state.Held) output.Events.Add(new MessageEvent(IrcMessage.Parse(held.Line), held.Time));
        }
        _state = state with { EchoRequestPending = false, Held = [] };
    }

    /// <summary>Records an own PRIVMSG/NOTICE as the server would echo it, holds it, or leaves it to the server's echo.</summary>
    private void RecordOwnMessage(IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        var state = _state;
        if (state.OwnSource is not { } source) return;
        var own = new IrcMessage(message.Tags, source, message.Command, message.Params);
        if (state.EchoRequestPending)
        {
            _state = state with { Held = [.. state.Held, new HeldMessage(own.ToString(), now)] };
            return;
        }
        if (state.HasCap(EchoMessage)) return;
        output.Events.Add(new MessageEvent(own, now));
    }

    /// <summary>True for a CAP REQ (the gateway's or the user's) that turns echo-message on or off.</summary>
    private static bool RequestsEchoMessage(string line, ref IrcMessage? message)
    {
        if (!line.StartsWith("CAP ", StringComparison.OrdinalIgnoreCase)) return false;
        if (message is null && !IrcMessage.TryParse(line, out message)) return false;
        return message is { Params: [var subcommand, .., var caps] }
               && subcommand.Equals("REQ", StringComparison.OrdinalIgnoreCase)
               && caps.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(cap => cap.TrimStart('-', '~', '=') == EchoMessage);
    }
}
