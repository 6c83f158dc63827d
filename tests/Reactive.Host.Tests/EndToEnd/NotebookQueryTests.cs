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
            "--Pipelines:btc:Options:Aggregates:3", "avg(euro_rate)");
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

        // The pipeline's last hour's average finds the average by its function and field, aliased or twice.
        Assert.Equal(JsonValueKind.Number, progress.GetProperty("lastHourAverage").GetProperty("euro_rate").ValueKind);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}
