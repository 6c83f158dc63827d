using Microsoft.Extensions.Configuration;
using Reactive.Host.Checkpoints;
using Reactive.Host.Configuration;
using Reactive.Host.Pipelines;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>What a checkpoint is checked against at a restart: the options its state depends on, not those a restart may change (as in Spark).</summary>
public sealed class CheckpointFingerprintTests
{
    private static string Fingerprint(params (string Key, string Value)[] changes) => Fingerprint(
        new Dictionary<string, string?>
        {
            ["Pipelines:g:Kind"] = "aggregate",
            ["Pipelines:g:Source:Kind"] = "generator",
            ["Pipelines:g:Source:Generator"] = "bitcoin",
            ["Pipelines:g:Source:Seed"] = "7",
            ["Pipelines:g:Source:Speed"] = "60",
            ["Pipelines:g:Options:TimeField"] = "timestamp",
            ["Pipelines:g:Options:Window"] = "10 minutes",
            ["Pipelines:g:Options:Watermark"] = "1 minute",
            ["Pipelines:g:Options:Aggregates"] = "avg(euro_rate)",
            ["Pipelines:g:Options:Trigger"] = "5 seconds",
        },
        changes);

    /// <summary>An aggregate over a directory source watching <paramref name="path"/>.</summary>
    private static string DirectoryFingerprint(string path, params (string Key, string Value)[] changes) => Fingerprint(
        new Dictionary<string, string?>
        {
            ["Pipelines:g:Kind"] = "aggregate",
            ["Pipelines:g:Source:Kind"] = "directory",
            ["Pipelines:g:Source:Path"] = path,
            ["Pipelines:g:Options:TimeField"] = "timestamp",
            ["Pipelines:g:Options:Window"] = "10 minutes",
            ["Pipelines:g:Options:Watermark"] = "1 minute",
            ["Pipelines:g:Options:Aggregates"] = "count",
        },
        changes);

    private static string Fingerprint(Dictionary<string, string?> values, (string Key, string Value)[] changes)
    {
        foreach (var (key, value) in changes)
        {
            values["Pipelines:g:" + key] = value;
        }

        var catalog = PipelineCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out var errors);
        Assert.Empty(errors);
        return PipelineCheckpoint.Fingerprint(Assert.Single(catalog.Pipelines));
    }

    [Fact]
    public void WhatARestartMayChange_KeepsTheFingerprint()
    {
        var before = Fingerprint();

        Assert.Equal(before, Fingerprint(("Source:Speed", "600")));
        Assert.Equal(before, Fingerprint(("Options:Trigger", "1 second")));
        Assert.Equal(before, Fingerprint(("Options:NoDataBatches", "false")));
        Assert.Equal(before, Fingerprint(("Options:MaxStateRows", "5000")));
        Assert.Equal(before, Fingerprint(("MaxRowsPerBatch", "10")));
    }

    [Fact]
    public void WhatTheStateDependsOn_ChangesIt_AndTheStoreNamesTheDifference()
    {
        var before = Fingerprint();
        var window = Fingerprint(("Options:Window", "5 minutes"));

        Assert.NotEqual(before, window);
        Assert.NotEqual(before, Fingerprint(("Source:Seed", "8")));
        Assert.NotEqual(before, Fingerprint(("Options:Aggregates", "avg(usd_rate)")));
        Assert.NotEqual(before, Fingerprint(("Options:Watermark", "2 minutes")));

        var difference = CheckpointDirectory.Difference(before, window);
        Assert.Contains("00:10:00", difference, StringComparison.Ordinal);
        Assert.Contains("00:05:00", difference, StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_AreNamesOnly_KeepIt_SoCheckpointsWrittenBeforeAliasesExistedStillFit()
    {
        var before = Fingerprint();
        var aliased = Fingerprint(("Options:Aggregates", "avg(euro_rate) as window_avg_euro_rate"));

        // The state is per aggregate function and field, in order; a column's name is not in it.
        Assert.Equal(before, aliased);
        Assert.Equal(before, Fingerprint(("Options:Aggregates", "avg(euro_rate) as other")));
        Assert.Equal(before, Fingerprint(("Options:WindowAlias", "time_window")));
        Assert.DoesNotContain("WindowAlias", before, StringComparison.Ordinal);
        Assert.DoesNotContain(" as ", aliased, StringComparison.Ordinal);

        // What the alias stands for still counts.
        Assert.NotEqual(aliased, Fingerprint(("Options:Aggregates", "max(euro_rate) as window_avg_euro_rate")));
    }

    [Fact]
    public void DirectorySource_IdentifiedByItsFullPathAndPattern_NotByItsPace()
    {
        var watched = Directory.CreateTempSubdirectory("reactive-fingerprint-").FullName;
        var other = Directory.CreateTempSubdirectory("reactive-fingerprint-").FullName;
        try
        {
            var before = DirectoryFingerprint(watched);

            Assert.Contains($"source=directory {watched} *", before, StringComparison.Ordinal);
            Assert.Equal(before, DirectoryFingerprint(Path.GetRelativePath(Environment.CurrentDirectory, watched)));
            Assert.Equal(before, DirectoryFingerprint(watched, ("Source:PollInterval", "100 milliseconds")));
            Assert.Equal(before, DirectoryFingerprint(watched, ("Source:SettleInterval", "0 seconds")));
            Assert.NotEqual(before, DirectoryFingerprint(watched, ("Source:Pattern", "*.csv")));
            Assert.NotEqual(before, DirectoryFingerprint(other));
        }
        finally
        {
            Directory.Delete(watched);
            Directory.Delete(other);
        }
    }
}
