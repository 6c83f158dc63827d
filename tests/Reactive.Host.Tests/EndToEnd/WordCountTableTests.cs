using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Sources.Samples;

namespace Reactive.Host.Tests.EndToEnd;

public sealed class WordCountTableTests
{
    [Fact]
    public async Task WordCount_TableSink_HoldsEveryWordOfEachBatch()
    {
        // 14 lines: exactly two passes over the 7-line sample text.
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "sample-wordcount",
            "--Pipelines:sample-wordcount:Source:Interval", "10 milliseconds",
            "--Pipelines:sample-wordcount:Source:Count", "14",
            "--Pipelines:sample-wordcount:Options:BatchInterval", "1 second",
            "--Pipelines:sample-wordcount:Sinks:0:Kind", "table",
            "--Pipelines:sample-wordcount:Sinks:0:Table", "words");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        // Independent count: the sample text's words, twice.
        var expected = SampleTextSource.Lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => 2L * g.Count(), StringComparer.Ordinal);
        Dictionary<string, long> actual = [];
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            var state = await http.GetFromJsonAsync<JsonElement>("/api/pipelines/sample-wordcount");
            if (state.GetProperty("state").GetString() != "Stopped")
            {
                continue;
            }

            using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT word, sum(count) FROM words GROUP BY word" });
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
            actual = answer.GetProperty("rows").EnumerateArray().ToDictionary(r => r[0].GetString()!, r => r[1].GetInt64(), StringComparer.Ordinal);
            if (actual.Values.Sum() == expected.Values.Sum())
            {
                break;
            }
        }

        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}
