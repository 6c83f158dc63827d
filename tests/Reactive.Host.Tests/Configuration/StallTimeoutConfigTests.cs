using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;

namespace Reactive.Host.Tests.Configuration;

/// <summary><c>Pipelines:NAME:StallTimeout</c>: optional, none by default, a duration, <c>0 seconds</c> for none.</summary>
public sealed class StallTimeoutConfigTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("5 minutes", 300.0)]
    [InlineData("00:00:30", 30.0)]
    [InlineData("0 seconds", null)]
    public void Load_StallTimeout_IsReadOrNone(string? value, double? seconds)
    {
        var catalog = Load(out var errors, value);

        Assert.Empty(errors);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, catalog.Pipelines.Single().StallTimeout);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1 seconds")]
    public void Load_BadStallTimeout_NamesTheKey(string value)
    {
        Load(out var errors, value);

        Assert.Contains(errors, e => e.StartsWith("Pipelines:wc:StallTimeout: ", StringComparison.Ordinal));
    }

    private static Catalog Load(out List<string> errors, string? stallTimeout)
    {
        var values = new Dictionary<string, string?>
        {
            ["Pipelines:wc:Kind"] = "wordcount",
            ["Pipelines:wc:Source:Kind"] = "socket",
            ["Pipelines:wc:Source:Port"] = "9999",
        };
        if (stallTimeout is not null)
        {
            values["Pipelines:wc:StallTimeout"] = stallTimeout;
        }

        return PipelineCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out errors);
    }
}
