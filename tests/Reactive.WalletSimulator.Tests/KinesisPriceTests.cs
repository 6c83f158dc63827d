using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Reactive.Sources.Tests.Kinesis;
using Reactive.WalletSimulator.Hosting;
using Reactive.WalletSimulator.Prices;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>
/// The <c>kinesis</c> price feed against a real kinesalite (one per class), records put by the independent node
/// producer: the simulator's price follows the newest record, from <c>latest</c>, bad records skipped and counted.
/// </summary>
public sealed class KinesisPriceTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private const string AccessKeyId = "AKIDSIMULATORTEST";
    private const string SecretAccessKey = "simulator-kinesis-secret-7f3a";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task KinesisFeed_FromLatest_PriceFollowsTheNewestRecord_BadRecordsSkippedAndCounted()
    {
        var stream = NewStream();
        // Put before the simulator starts: reading from latest, it never sees this price.
        await ProduceAsync(stream, [Rate(11111.5m)], createShards: 1);
        await using var server = await StartAsync(Settings(stream));
        var feed = server.App.Services.GetRequiredService<PriceFeed>();

        Assert.Equal(100m, await PriceAsync(server));
        await WarmUpAsync(server, stream);
        var skippedBefore = feed.Kinesis!.Skipped;
        await ProduceAsync(stream,
        [
            Rate(30000.5m),
            "not json",
            """{"timestamp":"2021-01-04T00:00:30","usd_rate":1}""",
            """{"timestamp":"2021-01-04T00:00:40","euro_rate":-5}""",
            Rate(31000.25m),
        ]);
        // One shard keeps the order: once the last rate is the price, the three bad records before it were read.
        await WaitForPriceAsync(server, p => p == 31000.25m, "the last record's rate");
        var bought = await server.BuyAsync(Bob, BobKey, "0.001");

        Assert.Equal(0, skippedBefore);
        Assert.Equal(3, feed.Kinesis.Skipped);
        Assert.StartsWith("order 1 executed: bought 0.001 bitcoin at 31000.25 euro for ", bought.Text, StringComparison.Ordinal);
        Assert.Equal("""{"euro":31000.25,"override":null,"source":"kinesis"}""", await server.Client.GetStringAsync("/admin/price"));
        var logs = server.LogTexts().ToList();
        Assert.Contains(logs, l => l.Contains("skipped (not JSON)", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("skipped (no euro_rate number)", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("skipped (euro_rate is not positive); 3 skipped so far", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("31000.25 euro from " + stream, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains("11111.5", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains(SecretAccessKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KinesisFeed_StreamMissingAtStart_LoggedThenFollowedOnceItExists()
    {
        var stream = NewStream();
        await using var server = await StartAsync(Settings(stream));

        await WaitAsync(() => server.LogTexts().Any(l => l.Contains("Price feed stopped", StringComparison.Ordinal) && l.Contains(stream, StringComparison.Ordinal)), "the missing stream's warning", server);
        var price = await PriceAsync(server);
        await ProduceAsync(stream, [Rate(20000m)], createShards: 1);
        await WarmUpAsync(server, stream);

        Assert.Equal(100m, price);
        Assert.Contains(server.LogTexts(), l => l.Contains("was not found", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Stream", "bad stream!", "Simulator:Price:Kinesis:Stream must be 1 to 128 letters")]
    [InlineData("StartingPosition", "newest", "Simulator:Price:Kinesis:StartingPosition must be one of latest, earliest, trim_horizon or at_timestamp (was 'newest')")]
    [InlineData("ServiceUrl", "ftp://127.0.0.1:4567", "Simulator:Price:Kinesis:ServiceUrl must be an absolute http or https URL")]
    [InlineData("SecretAccessKey", SecretAccessKey, "Simulator:Price:Kinesis:AccessKeyId must be set when Simulator:Price:Kinesis:SecretAccessKey is")]
    [InlineData("PollInterval", "00:00:00.1", "Simulator:Price:Kinesis:PollInterval must be at least 200 ms")]
    [InlineData("RetryDelay", "00:00:00", "Simulator:Price:Kinesis:RetryDelay must be between 0 and 1 hour, not 0")]
    public async Task KinesisFeed_BadSetting_ExitTwoNamingTheKey_NoSecretShown(string key, string value, string reason)
    {
        using var stderr = new StringWriter();

        var exit = await SimulatorHost.RunAsync(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", "--Simulator:Price:Kind=kinesis", $"--Simulator:Price:Kinesis:{key}={value}"], stderr);

        Assert.Equal(2, exit);
        Assert.Contains(reason, stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, stderr.ToString(), StringComparison.Ordinal);
    }

    private static string NewStream() => "prices-" + Guid.NewGuid().ToString("N");

    private Dictionary<string, string?> Settings(string stream) => new()
    {
        ["Simulator:Price:Kind"] = "kinesis",
        ["Simulator:Price:Kinesis:Stream"] = stream,
        ["Simulator:Price:Kinesis:ServiceUrl"] = kinesalite.Server.Endpoint.ToString(),
        ["Simulator:Price:Kinesis:AccessKeyId"] = AccessKeyId,
        ["Simulator:Price:Kinesis:SecretAccessKey"] = SecretAccessKey,
        ["Simulator:Price:Kinesis:PollInterval"] = "00:00:00.2",
        ["Simulator:Price:Kinesis:RetryDelay"] = "00:00:01",
        // Each price taken is a Debug line: the test reads which prices the feed took.
        ["Logging:LogLevel:Reactive.WalletSimulator.Prices"] = "Debug",
    };

    /// <summary>One of the course's records with this euro rate.</summary>
    private static string Rate(decimal euro) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"timestamp":"2021-01-04T00:00:00","euro_rate":{{euro}},"usd_rate":1,"gbp_rate":1}""");

    /// <summary>
    /// Reading from <c>latest</c> starts when the shard's iterator is made, a moment after the simulator starts: puts a
    /// new rate (20,001, 20,002, …) until the simulator's price is one of them, so the feed is known to read.
    /// </summary>
    private async Task WarmUpAsync(SimulatorServer server, string stream)
    {
        var deadline = DateTime.UtcNow + Deadline;
        for (var i = 1; ; i++)
        {
            await ProduceAsync(stream, [Rate(20000m + i)]);
            for (var wait = DateTime.UtcNow + TimeSpan.FromSeconds(5); DateTime.UtcNow < wait; await Task.Delay(50))
            {
                if (await PriceAsync(server) is > 20000m and < 30000m)
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"the price never followed the stream within {Deadline}:\n{string.Join('\n', server.LogTexts())}");
        }
    }

    private async Task ProduceAsync(string stream, string[] lines, int? createShards = null)
    {
        var directory = NewDirectory();
        try
        {
            var file = Path.Combine(directory, "rates.jsonl");
            await File.WriteAllLinesAsync(file, lines);
            var written = await kinesalite.Server.ProduceFileAsync(stream, file, createShards);
            Assert.Equal(lines.Length, written.Count);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<decimal> PriceAsync(SimulatorServer server) =>
        (await server.Client.GetFromJsonAsync<JsonElement>("/admin/price")).GetProperty("euro").GetDecimal();

    private static async Task WaitForPriceAsync(SimulatorServer server, Func<decimal, bool> done, string what)
    {
        decimal last = 0;
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            last = await PriceAsync(server);
            if (done(last))
            {
                return;
            }
        }

        Assert.Fail($"waited {Deadline} for {what}; the price is {last}:\n{string.Join('\n', server.LogTexts())}");
    }

    private static async Task WaitAsync(Func<bool> done, string what, SimulatorServer server)
    {
        for (var deadline = DateTime.UtcNow + Deadline; DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (done())
            {
                return;
            }
        }

        Assert.Fail($"waited {Deadline} for {what}:\n{string.Join('\n', server.LogTexts())}");
    }
}
