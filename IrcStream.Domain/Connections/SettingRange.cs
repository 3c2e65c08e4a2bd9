namespace IrcStream.Domain.Connections;

/// <summary>
/// The words for a setting outside its range, shared by the engine's own check (<see cref="IrcEngineSettings.Problems"/>)
/// and the gateway's configuration check, so a value is judged and explained the same way wherever it comes from.
/// </summary>
public static class SettingRange
{
    /// <summary>Null when <paramref name="value"/> is within the range; else what is wrong, to follow the setting's name.</summary>
    public static string? Whole(long value, long min, long max) =>
        value < min || value > max ? $"is {value}; it accepts a whole number from {min} to {max}." : null;

    /// <inheritdoc cref="Whole"/>
    public static string? Bytes(long value, long min, long max) =>
        value < min || value > max ? $"is {value}; it accepts a number of bytes from {min} to {max}." : null;

    /// <inheritdoc cref="Whole"/>
    public static string? Duration(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min || value > max ? $"is {value}; it accepts a duration (hh:mm:ss) from {min} to {max}." : null;
}

/// <summary>A setting outside its range: its name and what is wrong (<c>is 0; it accepts a whole number from 1 to 1000.</c>).</summary>
public sealed record SettingProblem(string Setting, string Problem)
{
    public override string ToString() => $"{Setting} {Problem}";
}
