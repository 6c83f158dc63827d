using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Kinds;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Issue 12: the notebook's own SQL, unchanged. The built service with a <c>Kind: bitcoin</c> pipeline whose average
/// and window carry the notebook's aliases (<c>avg(euro_rate) as window_avg_euro_rate</c>, <c>WindowAlias: time_window</c>),
/// and <c>select time_window.start, time_window.end, window_avg_euro_rate from bitcoin_window limit 5</c> run as written,
/// each row equal to a window computed by brute force.
/// </summary>
public sealed class NotebookQueryTests
{
    internal const string NotebookSql = "select time_window.start, time_window.end, window_avg_euro_rate from bitcoin_window limit 5";

    [Fact]
    public async Task Bitcoin_NotebookAliases_TheNotebooksQueryRunsAsWritten()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var input = Path.Combine(work, "rates.jsonl");
        var feed = BitcoinFeed.Generate(1500, seed: 12, junk: false);
        feed.WriteTo(input);
        await using var service = BitcoinPipelineTests.StartReplay(
            work,
            input,
            "--Pipelines:btc:Options:WindowAlias", "time_window",
            "--Pipelines:btc:Options:Aggregates:0", "count",
            "--Pipelines:btc:Options:Aggregates:1", "avg(euro_rate) as window_avg_euro_rate",
            "--Pipelines:btc:Options:Aggregates:2", "count(euro_rate)",
            "--Pipelines:btc:Options:Aggregates:3", "avg(euro_rate)",
            "--Pipelines:btc:Sinks:0:Kind", "table",
            "--Pipelines:btc:Sinks:0:Table", "bitcoin_window",
            "--Pipelines:btc:Sinks:1:Kind", "jsonl");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        var progress = await BitcoinPipelineTests.WaitForAsync(http, "/api/pipelines/btc", p => p.GetProperty("state").GetString() == "Stopped", "the replay to end", service);
        Assert.Equal(feed.Rows.Count, progress.GetProperty("rowsParsed").GetInt64());

        var expected = feed.Windows().ToDictionary(w => new DateTimeOffset(w.Start, TimeSpan.Zero));
        Assert.True(expected.Count > 5);
        var rows = await BitcoinPipelineTests.WaitForRowsAsync(http, NotebookSql, 5);
        Assert.Equal("window_avg_euro_rate", (await BitcoinPipelineTests.ColumnsAsync(http, NotebookSql))[2]);
        foreach (var row in rows)
        {
            var start = DateTimeOffset.Parse(row[0].GetString()!, CultureInfo.InvariantCulture);
            var end = DateTimeOffset.Parse(row[1].GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(BitcoinFeed.Window, end - start);
            BitcoinKindTests.Close(expected[start].Euro, row[2]);
        }

        // The file sink names the window and the column as the table does (Spark's JSON of an aliased window). Complete
        // mode writes the whole table at each trigger, so early lines hold partial averages: the names are checked here,
        // the values above.
        var lines = await JsonLinesAsync(Path.Combine(work, "output"), expected.Count, service);
        foreach (var line in lines)
        {
            Assert.False(line.TryGetProperty("window", out _), line.ToString());
            var window = line.GetProperty("time_window");
            var start = DateTimeOffset.Parse(window.GetProperty("start").GetString()!, CultureInfo.InvariantCulture);
            Assert.Equal(start + BitcoinFeed.Window, DateTimeOffset.Parse(window.GetProperty("end").GetString()!, CultureInfo.InvariantCulture));
            Assert.Contains(start, expected.Keys);
            Assert.Equal(JsonValueKind.Number, line.GetProperty("window_avg_euro_rate").ValueKind);
        }

        // The pipeline's last hour's average finds the average by its function and field, aliased or twice.
        Assert.Equal(JsonValueKind.Number, progress.GetProperty("lastHourAverage").GetProperty("euro_rate").ValueKind);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The JSON lines the file sinks under <paramref name="directory"/> hold, once there are at least <paramref name="atLeast"/>.</summary>
    private static async Task<List<JsonElement>> JsonLinesAsync(string directory, int atLeast, ServiceProcess service)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var lines = Directory.Exists(directory)
                ? Directory.EnumerateFiles(directory, "*.jsonl", SearchOption.AllDirectories).SelectMany(File.ReadLines).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList()
                : [];
            if (lines.Count >= atLeast)
            {
                return lines;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{lines.Count} JSON lines in {directory}, not {atLeast}; the service said:\n{service.Stdout}");
            await Task.Delay(100);
        }
    }
}
