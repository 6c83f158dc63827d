using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Testing.Kinesis;
using static Reactive.Host.Tests.EndToEnd.KinesisEndToEnd;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// kinesalite stopped and started again (its streams kept on disk) under the built service's <c>bitcoin</c> pipeline:
/// the source backs off and retries (health Degraded, the shards Retrying), then reads on by itself, without the
/// pipeline restarting; nothing is lost and nothing counted twice.
/// </summary>
public sealed class KinesisOutageTests
{
    [Fact]
    public async Task Bitcoin_KinesaliteStoppedAndRestartedUnderTheService_BacksOffAndResumesNothingLost()
    {
        var data = Directory.CreateTempSubdirectory("kinesalite-");
        try
        {
            await using var server = await KinesaliteServer.StartAsync(new KinesaliteOptions { DataPath = data.FullName });
            var stream = StreamName("outage");
            var rates = Rates(800, seed: 8, new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc));
            var produced = (await ProduceAsync(server, stream, Lines(rates.Take(400)), createShards: 2)).ToList();
            await using var service = ServiceProcess.Start(
                ServiceProcess.NewWorkingDirectory(),
                Credentials(),
                BitcoinPipeline("btc", server, stream, "--Pipelines:btc:Source:InitialBackoff", "100 milliseconds", "--Pipelines:btc:Source:MaxBackoff", "500 milliseconds"));
            using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
            var before = LastSequences(stream, produced);
            await WaitForProgressAsync(http, "btc", p => Covers(p, before), "the records written before the outage", service);

            await server.StopAsync();
            await WaitForProgressAsync(http, "btc", p => Shards(p).Values.All(s => s.GetProperty("state").GetString() == "Retrying"), "every shard retrying", service);
            await WaitForHealthAsync(http, "Degraded");

            await server.RestartAsync();
            produced.AddRange(await ProduceAsync(server, stream, Lines(rates.Skip(400))));
            var all = LastSequences(stream, produced);
            var progress = await WaitForProgressAsync(http, "btc", p => Covers(p, all), "the records written after the outage", service);

            Assert.Equal(800, progress.GetProperty("inputRows").GetInt64());
            Assert.Equal(0, progress.GetProperty("restarts").GetInt64());
            Assert.All(Shards(progress).Values, s => Assert.True(s.GetProperty("retries").GetInt64() >= 1, s.ToString()));
            await AssertTableAsync(http, Expected(rates));
            await WaitForProgressAsync(http, "btc", p => Shards(p).Values.All(s => s.GetProperty("state").GetString() == "Reading"), "every shard reading again", service);
            await WaitForHealthAsync(http, "Healthy");
            Assert.Contains("retrying in", service.Stderr, StringComparison.Ordinal);
            Assert.Contains("reading again after", service.Stderr, StringComparison.Ordinal);
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>Polls <c>/healthz</c> until it says <paramref name="status"/>.</summary>
    private static async Task WaitForHealthAsync(HttpClient http, string status)
    {
        var last = default(JsonElement);
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            using var response = await http.GetAsync("/healthz");
            last = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (last.GetProperty("status").GetString() == status)
            {
                return;
            }
        }

        Assert.Fail($"/healthz did not say {status}: {last}");
    }
}
