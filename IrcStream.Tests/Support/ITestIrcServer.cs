namespace IrcStream.Tests.Support;

/// <summary>A real IRC server a test started on a loopback port (InspIRCd, ngIRCd, Ergo, ircd-hybrid).</summary>
public interface ITestIrcServer : IAsyncDisposable
{
    string Host { get; }

    int Port { get; }

    /// <summary>Kills the server by pid and starts it again on the same port with the same config.</summary>
    Task RestartAsync(CancellationToken cancellationToken = default);
}
