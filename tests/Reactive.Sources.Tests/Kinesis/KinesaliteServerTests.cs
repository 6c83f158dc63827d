using System.Diagnostics;
using Reactive.Sources.Kinesis;
using Reactive.Testing.Kinesis;
using static Reactive.Sources.Tests.Kinesis.KinesisTesting;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>The test harness itself: kinesalite started, stopped by its process id, restarted with its streams.</summary>
public sealed class KinesaliteServerTests
{
    [Fact]
    public async Task Stop_RunningServer_ItsProcessIsGone()
    {
        var server = await KinesaliteServer.StartAsync();
        var pid = server.ProcessId!.Value;
        Assert.Equal("node", Process.GetProcessById(pid).ProcessName);

        await server.StopAsync();

        Assert.Null(server.ProcessId);
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(pid));
    }

    [Fact]
    public async Task Restart_WithADataPath_SamePortAndTheStreamsAndRecordsKept()
    {
        var data = System.IO.Directory.CreateTempSubdirectory("kinesalite-");
        try
        {
            await using var server = await KinesaliteServer.StartAsync(new KinesaliteOptions { DataPath = data.FullName });
            using var client = Client(server.Endpoint);
            var stream = StreamName("kept");
            await CreateActiveStreamAsync(client, stream, 1);
            await client.PutRecordsAsync(stream, [Entry("before restart", "k")]);
            var port = server.Port;

            await server.RestartAsync();

            Assert.Equal(port, server.Port);
            var (records, _) = await ReadShardAsync(client, stream, "shardId-000000000000");
            Assert.Equal(["before restart"], records.Select(Text));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Restart_InMemory_StreamsGone()
    {
        await using var server = await KinesaliteServer.StartAsync();
        using var client = Client(server.Endpoint);
        var stream = StreamName("lost");
        await CreateActiveStreamAsync(client, stream, 1);

        await server.RestartAsync();

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync(stream));
        Assert.Equal(KinesisErrorCode.ResourceNotFound, error.Code);
    }

    [Fact]
    public void EnsureInstalled_PackageMissing_SaysToRunNpmCi()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NodeTools.EnsureInstalled("no-such-package-for-reactive"));

        Assert.Contains("run `npm ci` in " + NodeTools.RepositoryRoot, error.Message, StringComparison.Ordinal);
    }
}
