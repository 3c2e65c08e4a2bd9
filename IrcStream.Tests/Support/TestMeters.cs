using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace IrcStream.Tests.Support;

/// <summary>A meter factory of a test's own, as a host has one: its meters are told apart from every other test's.</summary>
public static class TestMeters
{
    public static IMeterFactory NewFactory() => new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
}
