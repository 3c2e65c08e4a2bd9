using System.Globalization;
using System.Text;
using IrcStream.Domain.Connections;
using IrcStream.Domain.Events;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Client;

/// <summary>
/// Registration with the requested nick: WEBIRC, PASS, CAP LS 302, NICK, USER at once, then CAP REQ for the wanted
/// caps the server offers, SASL PLAIN when credentials are given, CAP END. NICK and USER go out right after CAP LS
/// (as ircdocs recommends) rather than after CAP END: a server with CAP holds registration until CAP END anyway,
/// and a server without CAP, which never answers CAP LS, registers without waiting. A nick refused during
/// registration is replaced until one is accepted.
/// </summary>
public sealed partial class IrcClient
{
    /// <summary>The caps the gateway asks for when the server offers them.</summary>
    public static readonly IReadOnlyList<string> WantedCaps =
    [
        "message-tags", "server-time", "echo-message", "multi-prefix", "away-notify", "account-tag",
        "extended-join", "chghost", "batch", "cap-notify", "draft/chathistory",
    ];

    /// <summary>After this many refused nicks the gateway stops trying (a nick the server finds erroneous stays so).</summary>
    public const int MaxNickAttempts = 10;

    /// <summary>"The AUTHENTICATE command MUST be used before registration is complete ... split into 400-byte chunks" (IRCv3 SASL 3.1).</summary>
    private const int SaslChunk = 400;

    private bool WantsSasl => _options.Sasl is not null;

    private void StartRegistration(DateTimeOffset now, IrcClientOutput output)
    {
        var nick = _options.Nick!;
        if (_options.Webirc is { } webirc) Send(WebircLine(webirc), now, output);
        if (!string.IsNullOrEmpty(_options.Password)) Send(new IrcMessage(null, null, "PASS", [_options.Password]).ToString(), now, output);
        Send("CAP LS 302", now, output);
        Send($"NICK {nick}", now, output);
        var user = string.IsNullOrWhiteSpace(_options.Username) ? nick : _options.Username;
        var realname = string.IsNullOrWhiteSpace(_options.Realname) ? nick : _options.Realname;
        if (_options.UserTemplate is { } template)
            (user, realname) = (template.ApplyUsername(user, realname, nick), template.ApplyRealname(user, realname, nick));
        Send(new IrcMessage(null, null, "USER", [user, "0", "*", realname]).ToString(), now, output);
    }

    /// <summary><c>WEBIRC password gateway hostname ip</c>, and the IRCv3 options as a last parameter when there are any.</summary>
    private static string WebircLine(WebircIdentity webirc)
    {
        string[] parameters = [webirc.Password, webirc.Gateway, webirc.ClientHost, webirc.ClientAddress];
        return new IrcMessage(null, null, "WEBIRC", webirc.Flags is { Length: > 0 } flags ? [.. parameters, flags] : parameters).ToString();
    }

    /// <summary>Reacts to a line received before the welcome.</summary>
    private void Register(IrcMessage message, DateTimeOffset now, IrcClientOutput output)
    {
        var registration = _state.Registration!;
        var p = message.Params;
        switch (message.Command)
        {
            case "001":
                SetRegistration(registration with { Complete = true });
                return;
            case "CAP" when p.Count >= 3:
                RegisterCaps(registration, p, now, output);
                break;
            case "AUTHENTICATE" when registration.SaslInProgress && p.Count > 0 && p[0] == "+":
                SendSaslPlain(now, output);
                break;
            case "903" or "907":
                EndSasl(now, output);
                break;
            case "902" or "904" or "905" or "906":
                Problem($"SASL authentication as {_options.Sasl?.Account} failed ({message.Command}: {p[^1]}); continuing without it. Check the account name and password.", now, output);
                EndSasl(now, output);
                break;
            case "432" or "433" or "436" or "437":
                RetryNick(registration, message, now, output);
                break;
        }
        if (_state.Registration is { Complete: false } current && _state.Nick != current.AttemptedNick)
            _state = _state with { Nick = current.AttemptedNick };
        // The gateway found no nick the server takes: let the user's own NICK through instead of holding it forever.
        if (_state.Registration is { GaveUp: true }) output.OpenUserLines = true;
    }

    private void RegisterCaps(RegistrationState registration, IReadOnlyList<string> p, DateTimeOffset now, IrcClientOutput output)
    {
        switch (p[1])
        {
            case "LS" when registration.Requested is null:
                var offered = new Dictionary<string, string>(registration.Offered, StringComparer.Ordinal);
                foreach (var token in p[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = token.IndexOf('=', StringComparison.Ordinal);
                    offered[eq < 0 ? token : token[..eq]] = eq < 0 ? "" : token[(eq + 1)..];
                }
                SetRegistration(registration with { Offered = offered });
                // "CAP * LS * :..." announces more LS lines (CAP 302 multi-line).
                if (p.Count >= 4 && p[2] == "*") return;
                RequestCaps(now, output);
                break;
            case "ACK" when registration.Requested is not null:
                var acked = p[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(cap => cap.TrimStart('-', '~', '=')).ToHashSet(StringComparer.Ordinal);
                var requested = registration.Requested.Where(cap => !acked.Contains(cap)).ToArray();
                SetRegistration(registration with { Requested = requested });
                if (requested.Length == 0) AfterCaps(saslAcked: registration.Offered.ContainsKey("sasl") && WantsSasl, now, output);
                break;
            case "NAK" when registration.Requested is not null:
                // A REQ is all or nothing: go on without the caps, but never leave registration hanging.
                SetRegistration(registration with { Requested = [] });
                AfterCaps(saslAcked: false, now, output);
                break;
        }
    }

    private void RequestCaps(DateTimeOffset now, IrcClientOutput output)
    {
        var offered = _state.Registration!.Offered;
        var wanted = WantedCaps.Where(offered.ContainsKey).ToList();
        if (WantsSasl)
        {
            var mechanisms = offered.GetValueOrDefault("sasl");
            if (mechanisms is null)
                Problem("The server does not offer SASL; registering without logging in.", now, output);
            else if (mechanisms.Length > 0 && !mechanisms.Split(',').Contains("PLAIN", StringComparer.OrdinalIgnoreCase))
                Problem($"The server offers SASL only with {mechanisms}, not PLAIN; registering without logging in.", now, output);
            else
                wanted.Add("sasl");
        }
        SetRegistration(_state.Registration! with { Requested = [.. wanted] });
        if (wanted.Count == 0)
        {
            EndCaps(now, output);
            return;
        }
        Send($"CAP REQ :{string.Join(' ', wanted)}", now, output);
    }

    private void AfterCaps(bool saslAcked, DateTimeOffset now, IrcClientOutput output)
    {
        var registration = _state.Registration!;
        if (saslAcked && !registration.SaslInProgress)
        {
            SetRegistration(registration with { SaslInProgress = true });
            Send("AUTHENTICATE PLAIN", now, output);
            return;
        }
        if (!registration.SaslInProgress) EndCaps(now, output);
    }

    private void SendSaslPlain(DateTimeOffset now, IrcClientOutput output)
    {
        var sasl = _options.Sasl!;
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sasl.Account}\0{sasl.Account}\0{sasl.Password}"));
        for (var at = 0; at < payload.Length; at += SaslChunk)
            Send("AUTHENTICATE " + payload.Substring(at, Math.Min(SaslChunk, payload.Length - at)), now, output);
        // A payload of a multiple of 400 bytes ends with an empty chunk, "+".
        if (payload.Length % SaslChunk == 0) Send("AUTHENTICATE +", now, output);
    }

    private void EndSasl(DateTimeOffset now, IrcClientOutput output)
    {
        var registration = _state.Registration!;
        if (!registration.SaslInProgress) return;
        SetRegistration(registration with { SaslInProgress = false });
        EndCaps(now, output);
    }

    private void EndCaps(DateTimeOffset now, IrcClientOutput output)
    {
        var registration = _state.Registration!;
        if (registration.CapEnded) return;
        SetRegistration(registration with { CapEnded = true });
        Send("CAP END", now, output);
    }

    private void RetryNick(RegistrationState registration, IrcMessage refusal, DateTimeOffset now, IrcClientOutput output)
    {
        if (registration.GaveUp) return;
        var attempts = registration.NickAttempts + 1;
        if (attempts >= MaxNickAttempts)
        {
            SetRegistration(registration with { NickAttempts = attempts, GaveUp = true });
            Problem($"The server refused {attempts} nicks ({refusal.Params[^1]}); send NICK with another nick.", now, output);
            return;
        }
        var requested = _options.Nick!;
        // First the familiar "nick_", then random digits, which a busy nick space rarely holds.
        var next = attempts == 1 ? requested + "_" : requested + Random.Shared.Next(100, 1000).ToString(CultureInfo.InvariantCulture);
        SetRegistration(registration with { NickAttempts = attempts, AttemptedNick = next });
        Send($"NICK {next}", now, output);
    }

    private void SetRegistration(RegistrationState registration) => _state = _state with { Registration = registration };
}
