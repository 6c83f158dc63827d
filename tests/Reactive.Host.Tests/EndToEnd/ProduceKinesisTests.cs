using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Reactive.Host.Tests.Cli;
using Reactive.Sources.Kinesis;
using Reactive.Sources.Tests.Kinesis;
using static Reactive.Host.Tests.EndToEnd.KinesisEndToEnd;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// <c>reactive produce kinesis</c> as a user runs it (the built executable, credentials in AWS's environment variables)
/// against kinesalite: what it writes is read back from the stream record by record and compared with what the test
/// expects — the generator's lines, bitcoincharts trades turned into the course's JSON — and its pacing and errors.
/// </summary>
public sealed partial class ProduceKinesisTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private const string KrakenTrades = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";

    [Fact]
    public async Task Produce_GenerateBitcoinIntoANewStream_CreatesItAndWritesTheGeneratorsLinesNumberedAsKeys()
    {
        var stream = StreamName("generate");

        var (exit, _, stderr) = await ProduceAsync("--stream", stream, "--create-shards", "2", "--generate", "bitcoin", "--rows", "300", "--seed", "7");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"creating the stream {stream} with 2 shard(s)", stderr, StringComparison.Ordinal);
        Assert.Contains($"wrote 300 records to {stream} (2 shards: shardId-000000000000 ", stderr, StringComparison.Ordinal);
        var generated = CliRunner.Run("generate", "bitcoin", "--rows", "300", "--seed", "7");
        Assert.Equal(0, generated.Exit);
        var lines = generated.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var records = await ReadAllAsync(stream);
        Assert.Equal(2, records.Select(r => r.Shard).Distinct().Count());
        Assert.Equal(
            lines.Select((line, i) => ((i + 1).ToString(CultureInfo.InvariantCulture), line)),
            records.OrderBy(r => int.Parse(r.Key, CultureInfo.InvariantCulture)).Select(r => (r.Key, r.Data)));
    }

    [Fact]
    public async Task Produce_Rate_SpreadsTheRecordsOverTheTimeItGives()
    {
        var stream = StreamName("rate");
        var watch = Stopwatch.StartNew();

        // 200 records at 100 a second: the last is due 2 s after the first.
        var (exit, _, stderr) = await ProduceAsync("--stream", stream, "--create-shards", "1", "--generate", "bitcoin", "--rows", "200", "--rate", "100", "--batch-size", "20");

        Assert.True(exit == 0, stderr);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1.9), $"{watch.Elapsed}: {stderr}");
        var took = double.Parse(Took().Match(stderr).Groups["seconds"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(took, 1.9, 30);
        var arrivals = (await ReadAllAsync(stream)).Select(r => r.Arrival).Order().ToList();
        Assert.Equal(200, arrivals.Count);
        Assert.True(arrivals[^1] - arrivals[0] >= TimeSpan.FromSeconds(1.5), $"the records arrived within {arrivals[^1] - arrivals[0]}");

        // As fast as possible, the same records take a fraction of that.
        var fast = await ProduceAsync("--stream", StreamName("fast"), "--create-shards", "1", "--generate", "bitcoin", "--rows", "200");
        Assert.True(fast.Exit == 0, fast.Stderr);
        Assert.True(double.Parse(Took().Match(fast.Stderr).Groups["seconds"].Value, CultureInfo.InvariantCulture) < took, fast.Stderr);
    }

    [Fact]
    public async Task Produce_BitcoinchartsLines_EachTradeTheCoursesJsonWithTheGbpRate()
    {
        var stream = StreamName("trades");
        var input = CliRunner.TempFile("trades.csv");
        await File.WriteAllTextAsync(input, "1497168381,2050.810000000000,0.047575350000\n\n1497168460,2030.992,0.1\r\n1500249600,1950.5,2\n");

        var (exit, _, stderr) = await ProduceAsync("--stream", stream, "--create-shards", "1", "--input", input, "--input-format", "bitcoincharts");

        Assert.True(exit == 0, stderr);
        Assert.Equal(
            [
                ("1", "{\"timestamp\":\"2017-06-11T08:06:21\",\"gbp_rate\":2050.81}"),
                ("2", "{\"timestamp\":\"2017-06-11T08:07:40\",\"gbp_rate\":2030.992}"),
                ("3", "{\"timestamp\":\"2017-07-17T00:00:00\",\"gbp_rate\":1950.5}"),
            ],
            (await ReadAllAsync(stream)).Select(r => (r.Key, r.Data)));
    }

    [SharedDataFact(KrakenTrades)]
    public async Task Produce_RealKrakenGbpTrades_EveryTradeInTheStreamAsTheCoursesJson()
    {
        var stream = StreamName("kraken");
        var trades = File.ReadAllLines(Reactive.Testing.SharedData.PathOf(KrakenTrades)).Where(l => l.Length > 0).ToList();

        var (exit, _, stderr) = await ProduceAsync("--stream", stream, "--create-shards", "2", "--input", Reactive.Testing.SharedData.PathOf(KrakenTrades), "--input-format", "bitcoincharts");

        Assert.True(exit == 0, stderr);
        Assert.Contains($"wrote {trades.Count} records", stderr, StringComparison.Ordinal);
        var expected = trades.Select((line, i) =>
        {
            var f = line.Split(',');
            var time = DateTime.UnixEpoch.AddSeconds(long.Parse(f[0], CultureInfo.InvariantCulture));
            var price = double.Parse(f[1], CultureInfo.InvariantCulture);
            return ((i + 1).ToString(CultureInfo.InvariantCulture), $"{{\"timestamp\":\"{time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)}\",\"gbp_rate\":{price.ToString("R", CultureInfo.InvariantCulture)}}}");
        });
        var records = await ReadAllAsync(stream);
        Assert.Equal(expected, records.OrderBy(r => int.Parse(r.Key, CultureInfo.InvariantCulture)).Select(r => (r.Key, r.Data)));
    }

    [Fact]
    public async Task Produce_MissingStreamWithoutCreateShards_NamesTheStreamAndTheArgument()
    {
        var stream = StreamName("absent");

        var (exit, _, stderr) = await ProduceAsync("--stream", stream, "--generate", "bitcoin", "--rows", "5");

        Assert.Equal(1, exit);
        Assert.Contains($"the stream '{stream}' does not exist: create it with --create-shards N", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Produce_ABadTradeLine_ExitsNamingTheFileAndLine()
    {
        var input = CliRunner.TempFile("trades.csv");
        await File.WriteAllTextAsync(input, "1497168381,2050.81,0.1\n1497168460,not-a-price,0.1\n");

        var (exit, _, stderr) = await ProduceAsync("--stream", StreamName("badtrade"), "--create-shards", "1", "--input", input, "--input-format", "bitcoincharts");

        Assert.Equal(1, exit);
        Assert.Contains($"{input}:2: not a bitcoincharts trade (unix_seconds,price,amount): '1497168460,not-a-price,0.1'", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--rate fast", "--rate: 'fast' is not a number")]
    [InlineData("--rate 0", "--rate: 0 is out of range")]
    [InlineData("--batch-size 501", "--batch-size: 501 is out of range (1 to 500)")]
    [InlineData("--create-shards 0", "--create-shards: 0 is out of range")]
    [InlineData("--shards 2", "--shards: not an argument of 'produce kinesis'")]
    [InlineData("--input-format csv --input {input}", "--input-format: 'csv' is not lines or bitcoincharts")]
    [InlineData("--input {missing}", "--input: '{missing}' is not a file")]
    [InlineData("--input {input} --generate bitcoin", "--input: give either --input FILE or --generate bitcoin")]
    [InlineData("--generate bbo", "--generate: 'bbo' cannot be generated into Kinesis")]
    [InlineData("--region Mars", "--region: KinesisOptions.Region must be an AWS region name")]
    [InlineData("--endpoint ftp://127.0.0.1:1", "--endpoint: KinesisOptions.ServiceUrl must be an absolute http or https URL")]
    public void Produce_BadArgument_ExitTwoNamingIt(string arguments, string message)
    {
        var input = CliRunner.TempFile("lines.txt");
        File.WriteAllText(input, "{}\n");
        var missing = input + ".missing";
        string[] args = [.. arguments.Replace("{input}", input, StringComparison.Ordinal).Replace("{missing}", missing, StringComparison.Ordinal).Split(' ')];
        if (!args.Contains("--input") && !args.Contains("--generate"))
        {
            args = [.. args, "--generate", "bitcoin"];
        }

        var (exit, _, stderr) = CliRunner.Run(["produce", "kinesis", "--stream", "s", .. args]);

        Assert.Equal(2, exit);
        Assert.Contains("reactive produce kinesis: " + message.Replace("{missing}", missing, StringComparison.Ordinal), stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Produce_NoStream_SaysItIsRequired()
    {
        var (exit, _, stderr) = CliRunner.Run("produce", "kinesis", "--generate", "bitcoin");

        Assert.Equal(2, exit);
        Assert.Contains("reactive produce kinesis: --stream: is required", stderr, StringComparison.Ordinal);
    }

    /// <summary>Runs <c>reactive produce kinesis ARGS --endpoint KINESALITE</c> as a process, with credentials in the environment.</summary>
    private async Task<(int Exit, string Stdout, string Stderr)> ProduceAsync(params string[] args)
    {
        await using var process = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            Credentials(),
            ["produce", "kinesis", .. args, "--endpoint", kinesalite.Server.Endpoint.ToString()]);
        var exit = await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exit, process.Stdout, process.Stderr);
    }

    private sealed record Read(string Shard, string Key, string Data, DateTimeOffset Arrival);

    /// <summary>Every record of the stream, shard by shard in sequence order, read with the client from each shard's start to its tip.</summary>
    private async Task<List<Read>> ReadAllAsync(string stream)
    {
        using var client = Client(kinesalite.Server);
        var all = new List<Read>();
        foreach (var shard in await client.ListAllShardsAsync(stream))
        {
            var iterator = await client.GetShardIteratorAsync(stream, shard.ShardId, ShardIteratorPosition.TrimHorizon);
            while (iterator is not null)
            {
                var page = await client.GetRecordsAsync(iterator);
                all.AddRange(page.Records.Select(r => new Read(shard.ShardId, r.PartitionKey, Encoding.UTF8.GetString(r.Data.Span), r.ApproximateArrivalTimestamp!.Value)));
                iterator = page.Records.Count == 0 && page.MillisBehindLatest == 0 ? null : page.NextShardIterator;
            }
        }

        return all;
    }

    [GeneratedRegex(@"records to \S+ \(.*\) in (?<seconds>[0-9.]+) s")]
    private static partial Regex Took();
}
