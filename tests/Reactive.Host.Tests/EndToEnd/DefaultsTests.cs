using System.Net.Http.Json;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>On its embedded defaults, with nothing else running, every sample pipeline fills its table.</summary>
public sealed class DefaultsTests
{
    [Fact]
    public async Task Service_EmbeddedDefaults_FillSpreadAnomalyBitcoinAndTradingTables()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };

        var wanted = new[] { "anomalies", "bitcoin_window", "spread", "trading_decisions" };
        var rows = await ServiceProcess.WaitForTableRowsAsync(http, wanted, TimeSpan.FromSeconds(60));
        Assert.All(wanted, w => Assert.True(rows.GetValueOrDefault(w) > 0, $"table {w} has rows ({string.Join(", ", rows)})\n{service.Stderr}"));

        // Each anomaly sits at least 2 standard deviations above its baseline mean.
        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT count(*) FROM anomalies WHERE price < mean + 2 * stddev OR baseline_count < 14" });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, answer.GetProperty("rows")[0][0].GetInt64());

        // Event-time pipelines report their watermark (the generated quotes start on 2014-03-03).
        foreach (var name in new[] { "sample-spread", "sample-bitcoin" })
        {
            var progress = await http.GetFromJsonAsync<JsonElement>($"/api/pipelines/{name}");
            Assert.True(progress.GetProperty("watermark").ValueKind == JsonValueKind.String, $"{name}: {progress}");
        }

        // The trading pipeline trades on the generated rates against the in-process wallet simulator
        // (InProcessSimulatorTests): /api/trading shows its decisions with their reasons, and each one is a row of
        // trading_decisions.
        var trading = (await http.GetFromJsonAsync<JsonElement>("/api/trading")).EnumerateArray().Single(t => t.GetProperty("pipeline").GetString() == "sample-trading");
        Assert.Equal("simulator", trading.GetProperty("mode").GetString());
        var decision = trading.GetProperty("decisions")[0];
        Assert.False(string.IsNullOrEmpty(decision.GetProperty("reason").GetString()), trading.ToString());
        using var found = await http.PostAsJsonAsync("/api/sql", new { sql = $"SELECT count(*) FROM trading_decisions WHERE id = '{decision.GetProperty("id").GetString()}'" });
        Assert.Equal(1, (await found.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows")[0][0].GetInt64());
        Assert.Matches(@"trading 2021-01-0\d \d\d:\d\d:\d\d (order|skipped) (buy|sell) ", service.Stdout);

        // The README's first queries, as written (against this service's address), each answer rows.
        var top = Readme.Blocks(Readme.Top()).Where(b => b.Language == "sh").Skip(1).First();
        var queries = Readme.Words(top.Text).Select(Readme.ReactiveArguments).OfType<string[]>().Where(a => a is ["sql", ..]).ToList();
        Assert.Equal(2, queries.Count);
        foreach (var query in queries)
        {
            var (exit, stdout, stderr) = Cli.CliRunner.Run([.. query, "--url", url.ToString()]);
            Assert.True(exit == 0, $"{string.Join(' ', query)}: exit {exit}: {stderr}");
            Assert.Matches(@"\(([1-9]\d*) rows?\)", stdout);
        }

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}
