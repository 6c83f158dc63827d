using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Host.Tests.Cli;
using Reactive.Host.Tests.EndToEnd;
using Reactive.Testing;

namespace Reactive.Host.Tests.Trading;

/// <summary>Runs the commands of <c>src/Reactive.Host/Trading/README.md</c> as written, and checks the output it shows.</summary>
public sealed class TradingReadmeTests
{
    private const string KrakenFile = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";

    private static string Text() =>
        File.ReadAllText(Path.Combine(Readme.RepositoryRoot(), "src", "Reactive.Host", "Trading", "README.md")).ReplaceLineEndings("\n");

    private static List<string[]> Commands(int block) =>
        [.. Readme.Words(Readme.Blocks(Text()).Where(b => b.Language == "sh").ElementAt(block).Text)];

    [SharedDataFact(KrakenFile)]
    public void Readme_BacktestCommands_RunAsWritten_KrakenReportAsShown()
    {
        var work = Directory.CreateTempSubdirectory("reactive-trading-readme-").FullName;
        var commands = Commands(0).Select(Readme.ReactiveArguments).ToList();
        Assert.Equal(3, commands.Count);
        Assert.All(commands, Assert.NotNull);

        // Relative paths as the README means them: files in the working folder, ../shared/data beside the repository.
        string Resolve(string arg) => arg.StartsWith("../shared/data/", StringComparison.Ordinal)
            ? SharedData.PathOf(arg["../shared/data/".Length..])
            : arg.EndsWith(".jsonl", StringComparison.Ordinal) ? Path.Combine(work, arg) : arg;
        var results = commands.Select(c => CliRunner.Run([.. c!.Select(Resolve)])).ToList();
        Assert.All(results, r => Assert.True(r.Exit == 0, r.Stderr));

        // The generated backtest printed its decisions and report; the Kraken one wrote them to its file and said what
        // the README shows, line for line.
        Assert.Contains("\"reason\":", results[1].Stdout, StringComparison.Ordinal);
        Assert.Contains("buy_and_hold_pnl", results[1].Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        var shown = Readme.Blocks(Text()).First(b => b.Language.Length == 0).Text;
        Assert.Equal(shown, results[2].Stderr.ReplaceLineEndings("\n"));
        var written = File.ReadAllLines(Path.Combine(work, "kraken-decisions.jsonl"));
        Assert.Equal(7031, written.Length);
        Assert.Contains("wrote 7031 results", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readme_ServiceCommands_TheDefaultServiceAnswersTheTradingRequest()
    {
        var commands = Commands(1);
        Assert.Empty(Readme.ReactiveArguments(commands[0]) ?? ["not the service"]);
        var curl = commands[1];
        Assert.Equal("curl", curl[0]);
        var path = new Uri("http://" + curl[^1]).PathAndQuery;

        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        JsonElement trading = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            trading = (await http.GetFromJsonAsync<JsonElement>(path)).EnumerateArray().Single(t => t.GetProperty("pipeline").GetString() == "sample-trading");
            if (trading.GetProperty("orders").GetProperty("executed").GetInt64() > 0)
            {
                break;
            }
        }

        Assert.True(trading.GetProperty("orders").GetProperty("executed").GetInt64() > 0, $"{trading}\n{service.Stderr}");
        Assert.Equal("simulator", trading.GetProperty("mode").GetString());
        Assert.NotEmpty(trading.GetProperty("decisions").EnumerateArray());
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
    }
}
