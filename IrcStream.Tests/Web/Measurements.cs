namespace IrcStream.Tests.Web;

/// <summary>
/// Figures a browser test measures on the way (bytes over the wire, click to JOIN): written to the test's output and
/// appended to TestResults/measurements.txt beside the test binaries, for docs/BENCHMARKS.md. Never asserted on.
/// </summary>
public static class Measurements
{
    public static string FilePath { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "measurements.txt");

    private static readonly Lock Gate = new();

    public static void Record(string what, string value)
    {
        var line = $"{DateTimeOffset.UtcNow:u} {what}: {value}";
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllLines(FilePath, [line]);
        }
    }
}
