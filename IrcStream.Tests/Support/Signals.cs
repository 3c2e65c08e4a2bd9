using System.Runtime.InteropServices;

namespace IrcStream.Tests.Support;

/// <summary>POSIX signals to a test's own child processes, by pid (SIGSTOP and SIGCONT have no .NET API).</summary>
internal static class Signals
{
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
