using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Kinds;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The built service with a <c>Kind: bitcoin</c> pipeline over a replayed feed with bad messages: every bad line a
/// dead letter or a nulled field, counted, the pipeline going on; the table's windows, the progress's last hour's
/// average and the README's last-hour query all equal to a brute-force computation over the rows the test wrote.
/// </summary>
public sealed class BitcoinPipelineTests
{
    internal const string Section = "## Quickstart: the course's bitcoin notebook";

    [Fact]
    public async Task Bitcoin_ReplayedFeedWithBadMessages_WindowsLastHourAndTheReadmeQueryEqualABruteForce()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var input = Path.Combine(work, "rates.jsonl");
        var feed = BitcoinFeed.Generate(4000, seed: 2021, junk: true);
        feed.WriteTo(input);
        await using var service = StartReplay(work, input, "--Pipelines:btc:MaxRowsPerBatch", "500");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        var progress = await WaitForAsync(http, "/api/pipelines/btc", p => p.GetProperty("state").GetString() == "Stopped", "the replay to end", service);

        // Every line in one place, and the pipeline went on past each bad one to the end of the feed.
        Assert.Equal(feed.Lines, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(feed.Rows.Count, progress.GetProperty("rowsParsed").GetInt64());
        Assert.Equal(Sorted(feed.DeadLetters), Counts(progress.GetProperty("deadLettersByCode")));
        Assert.Equal(Sorted(feed.Nulled), Counts(progress.GetProperty("nulledFieldsByCode")));
        Assert.Equal(feed.Nulled.Values.Sum(), progress.GetProperty("nulledFields").GetInt64());
        Assert.Equal(0, progress.GetProperty("lateRows").GetInt64());
        Assert.True(progress.GetProperty("batches").GetInt64() > feed.Lines / 500, progress.ToString());

        // The windows in the table bitcoin_window (the kind's own, no sink configured).
        var expected = feed.Windows();
        var rows = await WaitForRowsAsync(http, "SELECT window_start_ms, window_end_ms, count, avg_euro_rate, avg_usd_rate, avg_gbp_rate, count_euro_rate, count_usd_rate, count_gbp_rate FROM bitcoin_window ORDER BY window_start_ms", expected.Count);
        foreach (var (want, got) in expected.Zip(rows))
        {
            Assert.Equal(
                (new DateTimeOffset(want.Start).ToUnixTimeMilliseconds(), new DateTimeOffset(want.Start + BitcoinFeed.Window).ToUnixTimeMilliseconds(), want.Count, want.EuroCount, want.UsdCount, want.GbpCount),
                (got[0].GetInt64(), got[1].GetInt64(), got[2].GetInt64(), got[6].GetInt64(), got[7].GetInt64(), got[8].GetInt64()));
            BitcoinKindTests.Close(want.Euro, got[3]);
            BitcoinKindTests.Close(want.Usd, got[4]);
            BitcoinKindTests.Close(want.Gbp, got[5]);
        }

        // The last hour: in the progress, by brute force, and by the README's query, the same.
        var hour = feed.LastHour();
        var shown = progress.GetProperty("lastHourAverage");
        Assert.Equal((hour.From, hour.To, hour.Rows), (shown.GetProperty("from").GetDateTime().ToUniversalTime(), shown.GetProperty("to").GetDateTime().ToUniversalTime(), shown.GetProperty("rows").GetInt64()));
        BitcoinKindTests.Close(hour.Euro, shown.GetProperty("euro_rate"));
        BitcoinKindTests.Close(hour.Usd, shown.GetProperty("usd_rate"));
        BitcoinKindTests.Close(hour.Gbp, shown.GetProperty("gbp_rate"));

        var query = LastHourQuery();
        var answer = Assert.Single(await WaitForRowsAsync(http, query, 1));
        Assert.Equal(["hour_from", "hour_to", "row_count", "euro_rate", "usd_rate", "gbp_rate"], await ColumnsAsync(http, query));
        Assert.Equal((hour.From, hour.To, hour.Rows), (Time(answer[0]), Time(answer[1]), answer[2].GetInt64()));
        foreach (var (i, rate) in new[] { (3, "euro_rate"), (4, "usd_rate"), (5, "gbp_rate") })
        {
            BitcoinKindTests.Close(shown.GetProperty(rate).GetDouble(), answer[i].GetDouble());
        }

        // And as the README runs it: `reactive sql "…"` against the service.
        var (exit, stdout, stderr) = await RunAsync(work, url, "sql", query);
        Assert.True(exit == 0, stderr);
        Assert.Contains("|hour_from|", stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(answer.EnumerateArray(), value => Assert.Contains(value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText(), stdout, StringComparison.Ordinal));
        Assert.EndsWith("(1 row)\n", stdout, StringComparison.Ordinal);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The service with the pipeline <c>btc</c> of kind <c>bitcoin</c> replaying <paramref name="input"/> as fast as possible, with <paramref name="more"/> arguments.</summary>
    internal static ServiceProcess StartReplay(string work, string input, params string[] more) => ServiceProcess.Start(
        work,
        null,
        [
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "btc",
            "--Pipelines:btc:Kind", "bitcoin",
            "--Pipelines:btc:Source:Kind", "replay",
            "--Pipelines:btc:Source:Path", input,
            "--Pipelines:btc:Source:AsFastAsPossible", "true",
            .. more,
        ]);

    /// <summary>The README's last-hour query, as its command gives it to <c>reactive sql</c>.</summary>
    internal static string LastHourQuery() =>
        Assert.Single(Readme.Commands(Readme.Section(Section)).Select(Readme.ReactiveArguments).OfType<string[]>(), a => a is ["sql", var q] && q.Contains("WITH h AS", StringComparison.Ordinal))[1];

    /// <summary>Runs <c>reactive ARGS</c> as a process in <paramref name="work"/>, <c>reactive sql</c> pointed at <paramref name="url"/> as README users point it (<c>REACTIVE_URL</c>).</summary>
    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string work, Uri? url, params string[] args)
    {
        await using var process = ServiceProcess.Start(work, url is null ? null : new Dictionary<string, string> { ["REACTIVE_URL"] = url.ToString() }, args);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, process.Stdout, process.Stderr);
    }

    /// <summary>Looks at <paramref name="path"/> until <paramref name="done"/> holds (the service's own progress is the signal).</summary>
    internal static async Task<JsonElement> WaitForAsync(HttpClient http, string path, Func<JsonElement, bool> done, string what, ServiceProcess service)
    {
        JsonElement last = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            last = await http.GetFromJsonAsync<JsonElement>(path);
            if (done(last))
            {
                return last;
            }
        }

        throw new TimeoutException($"Waited 60 s for {what}: {last}\n--- stderr ---\n{service.Stderr}");
    }

    /// <summary>The rows of <paramref name="sql"/> once it gives <paramref name="count"/> (tables are written by their own writer, a moment after the batch).</summary>
    internal static async Task<List<JsonElement>> WaitForRowsAsync(HttpClient http, string sql, int count)
    {
        List<JsonElement> rows = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            using var response = await http.PostAsJsonAsync("/api/sql", new { sql });
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.IsSuccessStatusCode, answer.ToString());
            rows = [.. answer.GetProperty("rows").EnumerateArray()];
            if (rows.Count == count && (count != 1 || rows[0][0].ValueKind != JsonValueKind.Null))
            {
                return rows;
            }
        }

        throw new TimeoutException($"'{sql}' gave {rows.Count} rows, not {count}");
    }

    internal static async Task<List<string>> ColumnsAsync(HttpClient http, string sql)
    {
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. answer.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
    }

    private static DateTime Time(JsonElement text) => DateTime.Parse(text.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    private static List<KeyValuePair<string, long>> Sorted(Dictionary<string, int> counts) =>
        [.. counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new KeyValuePair<string, long>(kv.Key, kv.Value))];

    private static List<KeyValuePair<string, long>> Counts(JsonElement byCode) =>
        [.. byCode.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => new KeyValuePair<string, long>(p.Name, p.Value.GetInt64()))];
}
