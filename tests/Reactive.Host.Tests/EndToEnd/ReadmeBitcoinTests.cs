using System.Net.Http.Json;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Every command of the README's bitcoin quickstart, read from the README and run as written (the service on its
/// defaults on a free port, <c>reactive sql</c> pointed at it through <c>REACTIVE_URL</c>, <c>curl</c> as a GET of the same
/// path); the output the README shows for <c>reactive run bitcoin</c> is the output it gives.
/// </summary>
public sealed class ReadmeBitcoinTests
{
    [Fact]
    public async Task Readme_BitcoinQuickstart_EveryCommandRunsAsShown()
    {
        var section = Readme.Section(BitcoinPipelineTests.Section);
        var commands = Readme.Commands(section);
        var work = ServiceProcess.NewWorkingDirectory();

        Assert.Single(commands, c => Readme.ReactiveArguments(c) is []);
        await using var service = ServiceProcess.Start(work, null, "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };
        await BitcoinPipelineTests.WaitForAsync(http, "/api/pipelines/sample-bitcoin", p => p.GetProperty("lastHourAverage").ValueKind == JsonValueKind.Object, "sample-bitcoin's first last-hour average", service);

        var ran = 0;
        foreach (var command in commands)
        {
            switch (Readme.ReactiveArguments(command))
            {
                case []:
                    break; // the service, started above
                case ["sql", _] args:
                    {
                        var (exit, stdout, stderr) = await BitcoinPipelineTests.RunAsync(work, url, args);
                        Assert.True(exit == 0, $"{string.Join(' ', command)}\n{stderr}");
                        Assert.Matches(@"\(\d+ rows?\)\n$", stdout);
                        Assert.DoesNotContain("(0 rows)", stdout, StringComparison.Ordinal);
                        break;
                    }

                case ["generate" or "run", ..] args:
                    {
                        var (exit, _, stderr) = await BitcoinPipelineTests.RunAsync(work, null, args);
                        Assert.True(exit == 0, $"{string.Join(' ', command)}\n{stderr}");
                        if (args[0] == "run")
                        {
                            var shown = Assert.Single(Readme.Blocks(section), b => b.Language.Length == 0 && b.Text.StartsWith("reactive run bitcoin:", StringComparison.Ordinal)).Text;
                            Assert.Equal(shown, stderr.ReplaceLineEndings("\n"));
                        }

                        break;
                    }

                case null when command is ["curl", "-s", var address] && address.StartsWith("127.0.0.1:5080/", StringComparison.Ordinal):
                    {
                        var progress = await http.GetFromJsonAsync<JsonElement>(address["127.0.0.1:5080".Length..]);
                        var hour = progress.GetProperty("lastHourAverage");
                        Assert.Equal(["from", "to", "rows", "euro_rate", "usd_rate", "gbp_rate"], hour.EnumerateObject().Select(p => p.Name));
                        Assert.True(hour.GetProperty("rows").GetInt64() > 0, hour.ToString());
                        Assert.Equal(0, progress.GetProperty("nulledFields").GetInt64());
                        break;
                    }

                default:
                    Assert.Fail($"the README shows a command no test runs: {string.Join(' ', command)}");
                    break;
            }

            ran++;
        }

        Assert.Equal(6, ran);
        Assert.True(File.Exists(Path.Combine(work, "windows.jsonl")));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }
}
