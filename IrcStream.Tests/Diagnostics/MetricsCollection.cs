namespace IrcStream.Tests.Diagnostics;

/// <summary>
/// The IrcStream meter is process-wide: tests that compare its values run alone, after the parallel ones, so no
/// other test's traffic moves them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}
