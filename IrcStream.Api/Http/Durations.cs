using System.Globalization;

namespace IrcStream.Api.Http;

/// <summary>A duration as a person says it in an error's detail ("10 minutes", "90 seconds"), not as <c>00:10:00</c>.</summary>
internal static class Durations
{
    public static string Words(TimeSpan duration)
    {
        if (duration.TotalHours >= 1 && duration.TotalHours == Math.Floor(duration.TotalHours)) return Count((int)duration.TotalHours, "hour");
        if (duration.TotalMinutes >= 1 && duration.TotalMinutes == Math.Floor(duration.TotalMinutes)) return Count((int)duration.TotalMinutes, "minute");
        return Count((int)Math.Ceiling(duration.TotalSeconds), "second");
    }

    private static string Count(int n, string unit) => n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");
}
