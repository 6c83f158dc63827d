using System.Net.Http.Json;
using System.Numerics;
using System.Text.Json;
using Reactive.Host.Tests.Kinds;
using Reactive.Sources.Kinesis;
using Reactive.Testing.Kinesis;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>One row of the table <c>bitcoin_window</c>: the window in Unix milliseconds, its rows, and per currency the average and the rates it is over.</summary>
internal sealed record WindowRow(long StartMs, long EndMs, long Count, double? Euro, double? Usd, double? Gbp, long EuroCount, long UsdCount, long GbpCount);

/// <summary>
/// What the end-to-end Kinesis tests share: the service's <c>bitcoin</c> pipeline on a kinesalite stream, credentials
/// for it in the environment (as AWS's default chain reads them), feeds the test knows row by row, the node producer,
/// and the waits on the service's own progress.
/// </summary>
/// <remarks>
/// The feeds' rates are multiples of 0.25: their sums are exact in binary floating point, whatever the order the shards'
/// records arrive in, so the table's averages equal the brute force's to the last bit and are compared with
/// <c>Assert.Equal</c>, row for row, not within a tolerance.
/// </remarks>
internal static class KinesisEndToEnd
{
    /// <summary>Credentials for kinesalite, which checks that a request is signed, not by whom.</summary>
    public const string AccessKeyId = "AKIDREACTIVEE2E";

    public const string SecretAccessKey = "e2e-kinesalite-secret";

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>AWS's environment variables for the default credential chain (the service never takes credentials on its command line).</summary>
    public static Dictionary<string, string> Credentials() => new(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
    };

    public static string StreamName(string what) => $"{what}-{Guid.NewGuid():N}";

    /// <summary>The kinesalite client of a test (the product's, used only to set up: split, put raw bytes).</summary>
    public static KinesisClient Client(KinesaliteServer server) => new(new KinesisOptions
    {
        ServiceUrl = server.Endpoint.ToString(),
        AccessKeyId = AccessKeyId,
        SecretAccessKey = SecretAccessKey,
    });

    /// <summary>
    /// The service's arguments for one <c>Kind: bitcoin</c> pipeline <paramref name="name"/> on a Kinesis stream, read
    /// from <c>earliest</c>, polled and batched faster than the defaults so that a test is short.
    /// </summary>
    public static string[] BitcoinPipeline(string name, KinesaliteServer server, string stream, params string[] extra) =>
        ["--urls", "http://127.0.0.1:0", "--pipelines", name, .. PipelineKeys(name, server, stream), .. extra];

    /// <summary>The keys of such a pipeline alone, for several side by side (each then with its own <paramref name="table"/>).</summary>
    public static string[] PipelineKeys(string name, KinesaliteServer server, string stream, string? table = null) =>
    [
        $"--Pipelines:{name}:Kind", "bitcoin",
        $"--Pipelines:{name}:Source:Kind", "kinesis",
        $"--Pipelines:{name}:Source:Stream", stream,
        $"--Pipelines:{name}:Source:ServiceUrl", server.Endpoint.ToString().TrimEnd('/'),
        $"--Pipelines:{name}:Source:StartingPosition", "earliest",
        $"--Pipelines:{name}:Source:PollInterval", "200 milliseconds",
        $"--Pipelines:{name}:Source:ShardDiscoveryInterval", "1 second",
        $"--Pipelines:{name}:Options:Trigger", "500 milliseconds",
        .. table is null ? [] : new[] { $"--Pipelines:{name}:Sinks:0:Kind", "table", $"--Pipelines:{name}:Sinks:0:Table", table },
    ];

    /// <summary>
    /// <paramref name="rows"/> rates from <paramref name="start"/>, 1 to 40 seconds apart, on a random walk, each rate a
    /// multiple of 0.25.
    /// </summary>
    public static List<Rate> Rates(int rows, int seed, DateTime start)
    {
        var random = new Random(seed);
        var time = start;
        double usd = 32000;
        var rates = new List<Rate>(rows);
        for (var i = 0; i < rows; i++)
        {
            time = time.AddSeconds(random.Next(1, 41));
            usd *= 1 + ((random.NextDouble() - 0.5) * 0.002);
            rates.Add(new Rate(time, Quarter(usd * 0.92), Quarter(usd), Quarter(usd * 0.79)));
        }

        return rates;
    }

    /// <summary>The JSON lines of <paramref name="rates"/>, as the course's producer writes them.</summary>
    public static string[] Lines(IEnumerable<Rate> rates) => BitcoinFeed.Of(rates).Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Every window of <paramref name="rates"/> computed by brute force (<see cref="BitcoinFeed.Windows"/>), as table rows.</summary>
    public static List<WindowRow> Expected(IEnumerable<Rate> rates) =>
    [
        .. BitcoinFeed.Of(rates).Windows().Select(w => new WindowRow(
            Ms(w.Start), Ms(w.Start + BitcoinFeed.Window), w.Count, w.Euro, w.Usd, w.Gbp, w.EuroCount, w.UsdCount, w.GbpCount)),
    ];

    /// <summary>Writes <paramref name="lines"/> into <paramref name="stream"/> with the independent node producer (creating the stream with <paramref name="createShards"/> shards when given).</summary>
    public static async Task<IReadOnlyList<ProducedRecord>> ProduceAsync(KinesaliteServer server, string stream, IEnumerable<string> lines, int? createShards = null)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("reactive-kinesis-").FullName, "feed.jsonl");
        await File.WriteAllLinesAsync(file, lines);
        return await server.ProduceFileAsync(stream, file, createShards);
    }

    /// <summary>The last sequence number written to each shard, keyed as the offsets log keys it (<c>STREAM/SHARD</c>).</summary>
    public static Dictionary<string, string> LastSequences(string stream, IEnumerable<ProducedRecord> produced) =>
        produced.GroupBy(p => p.ShardId)
            .ToDictionary(g => $"{stream}/{g.Key}", g => g.Select(p => p.SequenceNumber).MaxBy(BigInteger.Parse)!, StringComparer.Ordinal);

    /// <summary>Whether the last batch's end offset holds, for every shard written, exactly its last record: the batch covers the whole feed.</summary>
    public static bool Covers(JsonElement progress, IReadOnlyDictionary<string, string> last)
    {
        if (!progress.TryGetProperty("lastProgress", out var batch) || batch.ValueKind != JsonValueKind.Object
            || batch.GetProperty("sources")[0].GetProperty("endOffset") is not { ValueKind: JsonValueKind.Object } end
            || !end.TryGetProperty("shards", out var shards))
        {
            return false;
        }

        return last.All(p => shards.TryGetProperty(p.Key, out var s) && s.GetString() == p.Value);
    }

    /// <summary>Polls <c>/api/pipelines/NAME</c> until <paramref name="done"/> holds; fails showing the last answer and the log when the pipeline faults or the deadline passes.</summary>
    public static async Task<JsonElement> WaitForProgressAsync(HttpClient http, string name, Func<JsonElement, bool> done, string what, ServiceProcess service, TimeSpan? timeout = null)
    {
        JsonElement last = default;
        for (var deadline = DateTime.UtcNow + (timeout ?? Deadline); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            last = await http.GetFromJsonAsync<JsonElement>($"/api/pipelines/{name}");
            Assert.True(last.GetProperty("state").GetString() != "Faulted", $"the pipeline faulted: {last}\n--- stderr ---\n{service.Stderr}");
            if (done(last))
            {
                return last;
            }
        }

        throw new TimeoutException($"Waited {timeout ?? Deadline} for {what}: {last}\n--- stderr ---\n{service.Stderr}");
    }

    /// <summary>Every row of <c>bitcoin_window</c>, by window.</summary>
    public static async Task<List<WindowRow>> TableAsync(HttpClient http)
    {
        const string Sql = "SELECT window_start_ms, window_end_ms, count, avg_euro_rate, avg_usd_rate, avg_gbp_rate, count_euro_rate, count_usd_rate, count_gbp_rate FROM bitcoin_window ORDER BY window_start_ms";
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = Sql });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, answer.ToString());
        return
        [
            .. answer.GetProperty("rows").EnumerateArray().Select(r => new WindowRow(
                r[0].GetInt64(), r[1].GetInt64(), r[2].GetInt64(), Number(r[3]), Number(r[4]), Number(r[5]), r[6].GetInt64(), r[7].GetInt64(), r[8].GetInt64())),
        ];
    }

    /// <summary>Waits until the table holds <paramref name="expected"/> (its writer runs a moment after the batch), then asserts it row for row.</summary>
    public static async Task AssertTableAsync(HttpClient http, IReadOnlyList<WindowRow> expected)
    {
        var rows = new List<WindowRow>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            rows = await TableAsync(http);
            if (rows.SequenceEqual(expected))
            {
                return;
            }
        }

        Assert.Equal(expected.Count, rows.Count);
        Assert.Equal(expected, rows);
    }

    /// <summary>The number of records each shard got, by shard id.</summary>
    public static Dictionary<string, long> PerShard(IEnumerable<ProducedRecord> produced) =>
        produced.GroupBy(p => p.ShardId).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);

    /// <summary>The progress's <c>shards</c>, by shard id.</summary>
    public static Dictionary<string, JsonElement> Shards(JsonElement progress) =>
        progress.GetProperty("shards").EnumerateArray().ToDictionary(s => s.GetProperty("shardId").GetString()!, s => s, StringComparer.Ordinal);

    /// <summary>The dead letters or nulled fields of the progress, by code.</summary>
    public static Dictionary<string, long> ByCode(JsonElement progress, string property) =>
        progress.GetProperty(property).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);

    private static double Quarter(double value) => Math.Round(value * 4) / 4;

    private static long Ms(DateTime time) => new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static double? Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDouble();
}
