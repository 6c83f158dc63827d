using System.Net.Http.Json;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>A live aggregate pipeline in the real service: replay → windows → table, with late rows and dead letters over HTTP.</summary>
public sealed class AggregatePipelineTests
{
    [Fact]
    public async Task Aggregate_ReplayedFile_FillsItsTableAndReportsLateRowsAndDeadLetters()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var input = Path.Combine(work, "in.jsonl");
        // The same rows as the one-shot test: 8 result rows, 1 bad_date, 2 late (row, window) pairs.
        File.WriteAllText(input, """
            {"time":"2024-01-01T00:00:01Z","id":"a","value":1}
            {"time":"2024-01-01T00:00:04Z","id":"b","value":2}
            {"time":"2024-01-01T00:00:07Z","id":"a","value":3}
            {"time":"2024-01-01T00:00:12Z","id":"a","value":5}
            {"time":"yesterday","id":"a","value":1}
            {"time":"2024-01-01T00:00:30Z","id":"a","value":7}
            {"time":"2024-01-01T00:00:02Z","id":"a","value":100}
            """);
        await using var service = ServiceProcess.Start(
            work,
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "agg",
            "--Pipelines:agg:Kind", "aggregate",
            "--Pipelines:agg:Source:Kind", "replay",
            "--Pipelines:agg:Source:Path", input,
            "--Pipelines:agg:Source:AsFastAsPossible", "true",
            // One line per micro-batch (Spark's maxOffsetsPerTrigger 1): the watermark moves after each line, so the
            // last line is late as in a live feed; read in one batch, nothing in the file would be (Trigger.Once).
            "--Pipelines:agg:MaxRowsPerBatch", "1",
            "--Pipelines:agg:Options:TimeField", "time",
            "--Pipelines:agg:Options:Window", "10 seconds",
            "--Pipelines:agg:Options:Slide", "5 seconds",
            "--Pipelines:agg:Options:Watermark", "10 seconds",
            "--Pipelines:agg:Options:GroupBy:0", "id",
            "--Pipelines:agg:Options:Aggregates:0", "count",
            "--Pipelines:agg:Options:Aggregates:1", "avg(value)",
            "--Pipelines:agg:Sinks:0:Kind", "table",
            "--Pipelines:agg:Sinks:0:Table", "agg",
            "--Pipelines:agg:Sinks:1:Kind", "jsonl",
            "--FileSinks:Directory", Path.Combine(work, "out"));
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        JsonElement progress = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            progress = await http.GetFromJsonAsync<JsonElement>("/api/pipelines/agg");
            if (progress.GetProperty("state").GetString() == "Stopped")
            {
                break;
            }
        }

        Assert.Equal("Stopped", progress.GetProperty("state").GetString());
        Assert.Equal(7, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(8, progress.GetProperty("outputRows").GetInt64());
        // A batch per line (0, 2, 4, 6, 8, 9, 11), a no-data batch after each that moved the watermark (1, 3, 5, 7,
        // 10: not after "yesterday", which has no time, nor after :02, behind the newest), and the final batch 12.
        Assert.Equal(13, progress.GetProperty("batches").GetInt64());
        Assert.Equal(2, progress.GetProperty("lateRows").GetInt64());
        Assert.Equal(1, progress.GetProperty("deadLetters").GetInt64());
        Assert.Equal(1, progress.GetProperty("deadLettersByCode").GetProperty("bad_date").GetInt64());
        Assert.Equal(DateTimeOffset.Parse("2024-01-01T00:00:30Z", System.Globalization.CultureInfo.InvariantCulture), progress.GetProperty("maxEventTime").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2024-01-01T00:00:20Z", System.Globalization.CultureInfo.InvariantCulture), progress.GetProperty("watermark").GetDateTimeOffset());

        // Spark's StreamingQueryProgress of each batch: the last 20 are kept, so all 13 here.
        var recent = progress.GetProperty("recentProgress").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 13), recent.Select(b => b.GetProperty("batchId").GetInt32()));
        Assert.Equal(12, progress.GetProperty("lastProgress").GetProperty("batchId").GetInt32());
        Assert.Equal([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 0], recent.Select(b => (int)b.GetProperty("numInputRows").GetInt64()));
        var late = recent[11]; // line 7, {"time":"…00:00:02Z"}: behind the watermark of 00:00:20 set by batch 9 (00:00:30 − 10 s)
        static DateTimeOffset Time(JsonElement e, string name) => DateTimeOffset.Parse(e.GetProperty("eventTime").GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 2, TimeSpan.Zero), Time(late, "min"));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 2, TimeSpan.Zero), Time(late, "max"));
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 20, TimeSpan.Zero), Time(late, "watermark"));
        var state = Assert.Single(late.GetProperty("stateOperators").EnumerateArray());
        Assert.Equal(2, state.GetProperty("numRowsDroppedByWatermark").GetInt64()); // windows [-5 s, 5 s) and [0, 10 s)
        Assert.True(late.GetProperty("durationMs").TryGetProperty("triggerExecution", out _));
        // Its source range: from the end of line 6 to the end of line 7 (the end of the file, which has no final newline).
        var bytes = File.ReadAllBytes(input);
        var afterLine6 = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == (byte)'\n').ElementAt(5) + 1;
        var source = Assert.Single(late.GetProperty("sources").EnumerateArray());
        Assert.Equal((6L, afterLine6), (source.GetProperty("startOffset").GetProperty("line").GetInt64(), source.GetProperty("startOffset").GetProperty("offset").GetInt64()));
        Assert.Equal((7L, (long)bytes.Length), (source.GetProperty("endOffset").GetProperty("line").GetInt64(), source.GetProperty("endOffset").GetProperty("offset").GetInt64()));

        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT window.start, id, count, avg_value FROM agg ORDER BY window_start, id" });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        var rows = answer.GetProperty("rows").EnumerateArray()
            .Select(r => $"{r[0].GetString()![17..19]} {r[1].GetString()} {r[2].GetInt64()} {r[3].GetDouble()}").ToList();
        Assert.Equal(["55 a 1 1", "55 b 1 2", "00 a 2 2", "00 b 1 2", "05 a 2 4", "10 a 1 5", "25 a 1 7", "30 a 1 7"], rows);

        var letters = await http.GetFromJsonAsync<JsonElement>("/api/deadletters?pipeline=agg");
        var codes = letters.EnumerateArray().Select(l => l.GetProperty("code").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["bad_date", "late", "late"], codes);
        // The late row (line 7) is named by its line and text although the window operator, not the parser, turned it away.
        Assert.All(letters.EnumerateArray().Where(l => l.GetProperty("code").GetString() == "late"), l => Assert.Equal(
            (7L, """{"time":"2024-01-01T00:00:02Z","id":"a","value":100}"""),
            (l.GetProperty("line").GetInt64(), l.GetProperty("raw").GetString())));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        // The file sink: closed files only (no .part left), the same 8 rows as JSON lines.
        var files = Directory.GetFiles(Path.Combine(work, "out"));
        Assert.All(files, f => Assert.EndsWith(".jsonl", f, StringComparison.Ordinal));
        var json = files.SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, json.Count);
        // 5 rows on time, each in 2 sliding windows (the late one counts in none).
        Assert.Equal(10, json.Sum(r => r.GetProperty("count").GetInt64()));
    }
}
