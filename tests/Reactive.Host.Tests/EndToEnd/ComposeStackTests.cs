using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Testing.Kinesis;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The compose file's producer and service as processes, without containers: the producer's command and environment and
/// the service's environment exactly as <c>docker-compose config</c> resolves them, the compose name
/// <c>kinesalite:4567</c> replaced by a kinesalite the test starts on 127.0.0.1.
/// </summary>
public sealed class ComposeStackTests
{
    private const string ComposeKinesalite = "http://kinesalite:4567";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeProducer_FeedsBitcoinInfo_AndTheComposeServiceAggregatesIt()
    {
        var compose = await ComposeFile.ConfigAsync();
        await using var kinesalite = await KinesaliteServer.StartAsync();
        var local = kinesalite.Endpoint.ToString().TrimEnd('/');
        var command = compose.List("producer", "command").Select(w => w.Replace(ComposeKinesalite, local, StringComparison.Ordinal)).ToArray();
        var producerEnvironment = compose.Environment("producer");
        var serviceEnvironment = compose.Environment("reactive").ToDictionary(e => e.Key, e => e.Value.Replace(ComposeKinesalite, local, StringComparison.Ordinal));
        Assert.Contains(local, command);
        Assert.Contains(local, serviceEnvironment.Values);

        await using var producer = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), producerEnvironment, command);
        // The stream exists before the service starts: otherwise its pipeline waits out a restart backoff first.
        await producer.WaitForStderrAsync("creating the stream bitcoin-info with 1 shard(s)", Deadline);
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), serviceEnvironment, "--urls", "http://127.0.0.1:0", "--pipelines", "bitcoin-kinesis");
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(Deadline) };
        var progress = await KinesisEndToEnd.WaitForProgressAsync(http, "bitcoin-kinesis", p => p.GetProperty("inputRows").GetInt64() >= 3, "three of the producer's records", service, Deadline);
        var table = await WaitForTableRowsAsync(http, "bitcoin_window", service);

        Assert.False(producer.HasExited, $"the producer writes a record a second for a day; it stopped:\n{producer.Stderr}");
        Assert.True(progress.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("recordsRead").GetInt64()) >= 3, progress.ToString());
        Assert.True(table > 0);
    }

    private static async Task<long> WaitForTableRowsAsync(HttpClient http, string name, ServiceProcess service)
    {
        string last = "";
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var tables = await http.GetFromJsonAsync<JsonElement>("/api/tables");
            last = tables.ToString();
            var rows = tables.EnumerateArray().Where(t => t.GetProperty("name").GetString() == name).Select(t => t.GetProperty("rows").GetInt64()).FirstOrDefault();
            if (rows > 0)
            {
                return rows;
            }
        }

        throw new TimeoutException($"Waited {Deadline} for rows in {name}: {last}\n--- stderr ---\n{service.Stderr}");
    }
}
