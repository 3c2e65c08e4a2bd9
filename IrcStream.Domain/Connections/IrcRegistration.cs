using System.Text;
using IrcStream.Domain.Protocol;

namespace IrcStream.Domain.Connections;

/// <summary>
/// Registers one socket with the requested nick: WEBIRC, PASS, CAP LS 302, NICK, USER at once, then CAP REQ
/// for the wanted caps the server offers, SASL PLAIN when credentials are given, CAP END. NICK and USER go out
/// right after CAP LS (as ircdocs recommends) rather than after CAP END: a server with CAP holds registration
/// until CAP END anyway, and a server without CAP, which never answers CAP LS, registers without waiting.
/// A nick refused during registration is replaced until one is accepted. Only the read loop calls it.
/// </summary>
internal sealed class IrcRegistration
{
    /// <summary>The caps the gateway asks for when the server offers them.</summary>
    public static readonly IReadOnlyList<string> WantedCaps =
    [
        "message-tags", "server-time", "echo-message", "multi-prefix", "away-notify", "account-tag",
        "extended-join", "chghost", "batch", "cap-notify",
    ];

    /// <summary>After this many refused nicks the gateway stops trying (a nick the server finds erroneous stays so).</summary>
    private const int MaxNickAttempts = 10;

    /// <summary>"The AUTHENTICATE command MUST be used before registration is complete ... split into 400-byte chunks" (IRCv3 SASL 3.1).</summary>
    private const int SaslChunk = 400;

    private readonly IrcConnectionOptions _options;
    private readonly Action<string> _send;
    private readonly Action<string> _reportError;
    private readonly Dictionary<string, string> _offered = new(StringComparer.Ordinal);
    private HashSet<string>? _requested;
    private bool _capEnded;
    private bool _saslInProgress;
    private int _nickAttempts;

    /// <param name="options">Must have a nick.</param>
    /// <param name="send">Writes a line on the priority path.</param>
    /// <param name="reportError">Emits an ERROR status with a readable detail.</param>
    public IrcRegistration(IrcConnectionOptions options, Action<string> send, Action<string> reportError)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.Nick);
        _options = options;
        _send = send;
        _reportError = reportError;
        AttemptedNick = options.Nick;
    }

    /// <summary>The nick last sent with NICK.</summary>
    public string AttemptedNick { get; private set; }

    /// <summary>True once the server refused <see cref="MaxNickAttempts"/> nicks: the gateway stops changing nick.</summary>
    public bool GaveUp { get; private set; }

    /// <summary>True once the welcome (001) arrived.</summary>
    public bool IsComplete { get; private set; }

    public void Start()
    {
        if (_options.Webirc is { } webirc)
            _send($"WEBIRC {webirc.Password} {webirc.Gateway} {webirc.ClientHost} {webirc.ClientAddress}");
        if (!string.IsNullOrEmpty(_options.Password)) _send(new IrcMessage(null, null, "PASS", [_options.Password]).ToString());
        _send("CAP LS 302");
        _send($"NICK {AttemptedNick}");
        var user = string.IsNullOrWhiteSpace(_options.Username) ? AttemptedNick : _options.Username;
        var realname = string.IsNullOrWhiteSpace(_options.Realname) ? AttemptedNick : _options.Realname;
        _send(new IrcMessage(null, null, "USER", [user, "0", "*", realname]).ToString());
    }

    /// <summary>Reacts to a line received before the welcome.</summary>
    public void Handle(IrcMessage message)
    {
        if (IsComplete) return;
        var p = message.Params;
        switch (message.Command)
        {
            case "001":
                IsComplete = true;
                break;
            case "CAP" when p.Count >= 3:
                HandleCap(p);
                break;
            case "AUTHENTICATE" when _saslInProgress && p.Count > 0 && p[0] == "+":
                SendSaslPlain();
                break;
            case "903" or "907":
                EndSasl();
                break;
            case "902" or "904" or "905" or "906":
                _reportError($"SASL authentication as {_options.Sasl?.Account} failed ({message.Command}: {p[^1]}); continuing without it. Check the account name and password.");
                EndSasl();
                break;
            case "432" or "433" or "436" or "437":
                RetryNick(message);
                break;
        }
    }

    private void HandleCap(IReadOnlyList<string> p)
    {
        switch (p[1])
        {
            case "LS" when _requested is null:
                foreach (var token in p[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = token.IndexOf('=', StringComparison.Ordinal);
                    _offered[eq < 0 ? token : token[..eq]] = eq < 0 ? "" : token[(eq + 1)..];
                }
                // "CAP * LS * :..." announces more LS lines (CAP 302 multi-line).
                if (p.Count >= 4 && p[2] == "*") return;
                RequestCaps();
                break;
            case "ACK" when _requested is not null:
                foreach (var cap in p[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)) _requested.Remove(cap.TrimStart('-', '~', '='));
                if (_requested.Count == 0) AfterCaps(saslAcked: _offered.ContainsKey("sasl") && WantsSasl);
                break;
            case "NAK" when _requested is not null:
                // A REQ is all or nothing: go on without the caps, but never leave registration hanging.
                _requested.Clear();
                AfterCaps(saslAcked: false);
                break;
        }
    }

    private bool WantsSasl => _options.Sasl is not null;

    private void RequestCaps()
    {
        var wanted = WantedCaps.Where(_offered.ContainsKey).ToList();
        if (WantsSasl)
        {
            var mechanisms = _offered.GetValueOrDefault("sasl");
            if (mechanisms is null)
                _reportError("The server does not offer SASL; registering without logging in.");
            else if (mechanisms.Length > 0 && !mechanisms.Split(',').Contains("PLAIN", StringComparer.OrdinalIgnoreCase))
                _reportError($"The server offers SASL only with {mechanisms}, not PLAIN; registering without logging in.");
            else
                wanted.Add("sasl");
        }
        _requested = new HashSet<string>(wanted, StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            EndCaps();
            return;
        }
        _send($"CAP REQ :{string.Join(' ', wanted)}");
    }

    private void AfterCaps(bool saslAcked)
    {
        if (saslAcked && !_saslInProgress)
        {
            _saslInProgress = true;
            _send("AUTHENTICATE PLAIN");
            return;
        }
        if (!_saslInProgress) EndCaps();
    }

    private void SendSaslPlain()
    {
        var sasl = _options.Sasl!;
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{sasl.Account}\0{sasl.Account}\0{sasl.Password}"));
        for (var at = 0; at < payload.Length; at += SaslChunk)
            _send("AUTHENTICATE " + payload.Substring(at, Math.Min(SaslChunk, payload.Length - at)));
        // A payload of a multiple of 400 bytes ends with an empty chunk, "+".
        if (payload.Length % SaslChunk == 0) _send("AUTHENTICATE +");
    }

    private void EndSasl()
    {
        if (!_saslInProgress) return;
        _saslInProgress = false;
        EndCaps();
    }

    private void EndCaps()
    {
        if (_capEnded) return;
        _capEnded = true;
        _send("CAP END");
    }

    private void RetryNick(IrcMessage refusal)
    {
        if (GaveUp) return;
        _nickAttempts++;
        if (_nickAttempts >= MaxNickAttempts)
        {
            GaveUp = true;
            _reportError($"The server refused {_nickAttempts} nicks ({refusal.Params[^1]}); send NICK with another nick.");
            return;
        }
        var requested = _options.Nick!;
        // First the familiar "nick_", then random digits, which a busy nick space rarely holds.
        AttemptedNick = _nickAttempts == 1 ? requested + "_" : requested + Random.Shared.Next(100, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _send($"NICK {AttemptedNick}");
    }
}
