using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Reactive.Sources.Generators;
using static Reactive.WalletSimulator.Tests.SimulatorServer;

namespace Reactive.WalletSimulator.Tests;

/// <summary>The price feeds, read through the simulator's clock, and the admin price that overrides them.</summary>
public sealed class PriceTests
{
    [Fact]
    public async Task AdminPrice_SetThenCleared_OrdersFollowIt()
    {
        await using var server = await StartAsync();

        var set = await PostPriceAsync(server, """{"euro":250.5}""");
        var bought = await server.BuyAsync(Alice, AliceKey, "1");
        var cleared = await PostPriceAsync(server, """{"euro":null}""");
        var again = await server.BuyAsync(Alice, AliceKey, "1");

        Assert.Equal((HttpStatusCode.OK, """{"euro":250.5,"override":250.5,"source":"admin"}"""), set);
        Assert.Equal("order 1 executed: bought 1 bitcoin at 250.5 euro for 250.50 euro", bought.Text);
        Assert.Equal((HttpStatusCode.OK, """{"euro":100,"override":null,"source":"fixed"}"""), cleared);
        Assert.Equal("order 2 executed: bought 1 bitcoin at 100 euro for 100.00 euro", again.Text);
    }

    [Theory]
    [InlineData("""{"euro":0}""")]
    [InlineData("""{"euro":-3}""")]
    [InlineData("""{"euro":1000000000.01}""")]
    [InlineData("""{"price":5}""")]
    [InlineData("""not json""")]
    public async Task AdminPrice_Invalid_RefusedAndUnchanged(string body)
    {
        await using var server = await StartAsync();

        var (status, _) = await PostPriceAsync(server, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("""{"euro":100,"override":null,"source":"fixed"}""", await server.Client.GetStringAsync("/admin/price"));
    }

    [Fact]
    public async Task FileFeed_ReplaysTheEuroRateWithItsTimingAtSpeed_ThenStartsOver()
    {
        var directory = NewDirectory();
        try
        {
            var file = Path.Combine(directory, "rates.jsonl");
            // 20 s between lines, speed 2: a new price every 10 s of the simulator's clock; a bad line is skipped.
            File.WriteAllLines(file,
            [
                """{"timestamp":"2021-01-04T00:00:00","euro_rate":30000.5,"usd_rate":1,"gbp_rate":1}""",
                """{"timestamp":"2021-01-04T00:00:20","euro_rate":31000,"usd_rate":1,"gbp_rate":1}""",
                """{"timestamp":"2021-01-04T00:00:30","usd_rate":1}""",
                """not json""",
                """{"timestamp":"2021-01-04T00:00:40","euro_rate":29000.25,"usd_rate":1,"gbp_rate":1}""",
            ]);
            var time = new FakeTimeProvider();
            await using var server = await StartAsync(
                new Dictionary<string, string?> { ["Simulator:Price:Kind"] = "file", ["Simulator:Price:File"] = file, ["Simulator:Price:Speed"] = "2" },
                time);

            var prices = new List<decimal>();
            foreach (var step in new[] { 0, 9, 1, 10, 9, 1 })
            {
                time.Advance(TimeSpan.FromSeconds(step));
                prices.Add((await server.Client.GetFromJsonAsync<JsonElement>("/admin/price")).GetProperty("euro").GetDecimal());
            }

            // At 0 s, 9 s: the first; 10 s: the second; 20 s, 29 s: the third (it holds one average gap, 10 s); 30 s: the first again.
            Assert.Equal([30000.5m, 30000.5m, 31000m, 29000.25m, 29000.25m, 30000.5m], prices);
            Assert.Contains(server.Logs.GetSnapshot(), r => r.Message.Contains("(3 prices, 2 lines skipped, speed 2)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task GeneratorFeed_IsTheSeededGeneratorsEuroRate()
    {
        var time = new FakeTimeProvider();
        await using var server = await StartAsync(
            new Dictionary<string, string?>
            {
                ["Simulator:Price:Kind"] = "generator",
                ["Simulator:Price:Generator:Seed"] = "42",
                ["Simulator:Price:Generator:Rows"] = "100",
                ["Simulator:Price:Generator:Interval"] = "00:01:00",
            },
            time);
        var expected = BitcoinRateGenerator.Generate(new BitcoinRateGeneratorOptions { Seed = 42, Rows = 100, Interval = TimeSpan.FromMinutes(1) })
            .Select(l => JsonDocument.Parse(l.Text).RootElement.GetProperty("euro_rate").GetDecimal())
            .ToList();

        var first = await server.BuyAsync(Bob, BobKey, "0.001");
        time.Advance(TimeSpan.FromMinutes(5));
        var sixth = await server.BuyAsync(Bob, BobKey, "0.001");

        Assert.StartsWith($"order 1 executed: bought 0.001 bitcoin at {expected[0].ToString(CultureInfo.InvariantCulture)} euro for ", first.Text, StringComparison.Ordinal);
        Assert.StartsWith($"order 2 executed: bought 0.001 bitcoin at {expected[5].ToString(CultureInfo.InvariantCulture)} euro for ", sixth.Text, StringComparison.Ordinal);
        Assert.NotEqual(expected[0], expected[5]);
    }

    private static async Task<(HttpStatusCode, string)> PostPriceAsync(SimulatorServer server, string body)
    {
        using var response = await server.Client.PostAsync("/admin/price", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
