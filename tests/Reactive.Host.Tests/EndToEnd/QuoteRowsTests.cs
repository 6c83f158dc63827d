using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Cli;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// The service writes each quote's row (<c>EmitQuotes</c>) from one row object it reuses: a table gets every quote's own
/// values whether the rows go out as they come or are held until their micro-batch ends (checkpointed), and each stored
/// row agrees with its own bid and ask.
/// </summary>
public sealed class QuoteRowsTests
{
    private const int Quotes = 3_000;
    private const string Seed = "42";

    [Fact]
    public async Task EmitQuotes_StraightOrHeldForTheBatch_TableHoldsEachQuotesOwnRow()
    {
        var straight = await QuoteTableAsync(checkpointed: false);
        var held = await QuoteTableAsync(checkpointed: true);

        // The oracle: a one-shot run of the same quotes (a new row object for each) through the command line.
        var input = CliRunner.TempFile("quotes.csv");
        var output = CliRunner.TempFile("quotes.jsonl");
        Assert.Equal(0, CliRunner.Run("generate", "bbo", "--rows", Quotes.ToString(CultureInfo.InvariantCulture), "--seed", Seed, "-o", input).Exit);
        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", input, "--output", output, "--quotes");
        Assert.True(exit == 0, stderr);
        var expected = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(r => r.GetProperty("kind").GetString() == "quote")
            .Select(r => new QuoteRow(
                r.GetProperty("symbol").GetString()!, r.GetProperty("timestamp").GetString()!, r.GetProperty("bid").GetDouble(), r.GetProperty("ask").GetDouble(),
                r.GetProperty("spread").GetDouble(), r.GetProperty("spread_bps").GetDouble(), r.GetProperty("locked").GetBoolean() ? 1 : 0, r.GetProperty("crossed").GetBoolean() ? 1 : 0))
            .ToList();

        Assert.Equal(Quotes, expected.Count);
        Assert.Equal(expected, straight);
        Assert.Equal(expected, held);

        // And each row agrees with its own bid and ask.
        Assert.All(straight, r =>
        {
            Assert.Equal(r.Ask - r.Bid, r.Spread, 9);
            Assert.Equal(r.Ask == r.Bid ? 1 : 0, r.Locked);
            Assert.Equal(r.Ask < r.Bid ? 1 : 0, r.Crossed);
        });
    }

    private sealed record QuoteRow(string Symbol, string Timestamp, double Bid, double Ask, double Spread, double Bps, long Locked, long Crossed);

    /// <summary>Runs a spread pipeline over <see cref="Quotes"/> generated quotes to the end; returns its quote table in row order.</summary>
    private static async Task<List<QuoteRow>> QuoteTableAsync(bool checkpointed)
    {
        var work = ServiceProcess.NewWorkingDirectory();
        List<string> args =
        [
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "q",
            "--Pipelines:q:Kind", "spread",
            "--Pipelines:q:Source:Kind", "generator",
            "--Pipelines:q:Source:Generator", "bbo",
            "--Pipelines:q:Source:Rows", Quotes.ToString(CultureInfo.InvariantCulture),
            "--Pipelines:q:Source:Seed", Seed,
            "--Pipelines:q:Source:AsFastAsPossible", "true",
            "--Pipelines:q:Options:EmitQuotes", "true",
            "--Pipelines:q:Sinks:0:Kind", "table",
            "--Pipelines:q:Sinks:0:Table", "q",
        ];
        if (checkpointed)
        {
            args.AddRange(["--Reactive:StateDirectory", Path.Combine(work, "state")]);
        }

        await using var service = ServiceProcess.Start(work, null, [.. args]);
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        var progress = await service.WaitForPipelineStoppedAsync(http, "q", TimeSpan.FromSeconds(120));
        Assert.True(progress.GetProperty("stopReason").GetString() == "Finished", $"pipeline q did not finish: {progress}\n{service.Stderr}");
        Assert.Equal(checkpointed ? "exactly-once" : "at-least-once", progress.GetProperty("delivery").GetString());
        Assert.Equal(0, progress.GetProperty("deadLetters").GetInt64());

        using var response = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT symbol, timestamp, bid, ask, spread, spread_bps, locked, crossed FROM q_quote ORDER BY rowid" });
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, answer.ToString());
        var rows = answer.GetProperty("rows").EnumerateArray().Select(r => new QuoteRow(
            r[0].GetString()!, r[1].GetString()!, r[2].GetDouble(), r[3].GetDouble(), r[4].GetDouble(), r[5].GetDouble(), r[6].GetInt64(), r[7].GetInt64())).ToList();
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        return rows;
    }
}
