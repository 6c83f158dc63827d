using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Reactive.Host.Tests.Cli;
using Reactive.Host.Tests.Kinds;
using Reactive.Testing.Kinesis;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Every command of the README's Kinesis quickstart, read from the README and run in its order, and its pipeline's
/// configuration, which must be <c>appsettings.json</c>'s. What the test changes, so that it runs beside other tests:
/// kinesalite's port 4567 is a free port in every word that names it, and kinesalite gets <c>--exit-with-stdin</c> (it
/// ends with the test host); the service listens on a free port (<c>--urls http://127.0.0.1:0</c> added), <c>reactive
/// sql</c> is pointed at it with <c>REACTIVE_URL</c>, and <c>curl -s 127.0.0.1:5080/PATH</c> is a GET of PATH on it;
/// <c>export</c> sets the environment of the commands after it; a running service is stopped with SIGTERM (Ctrl+C), as
/// the README says, before the next <c>produce</c> or service command. At the end the table equals a brute force over
/// the rates the README's two <c>produce</c> commands generated.
/// </summary>
public sealed partial class ReadmeKinesisTests
{
    internal const string Section = "## Quickstart: the bitcoin notebook on Kinesis";
    private const string Pipeline = "bitcoin-kinesis";

    [Fact]
    public async Task Readme_KinesisQuickstart_EveryCommandRunsAsShownAndTheTableHoldsEveryRecordOnce()
    {
        var section = Readme.Section(Section);
        var shown = JsonNode.Parse(Assert.Single(Readme.Blocks(section), b => b.Language == "json").Text)!["Pipelines"]![Pipeline];
        var configured = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DockerComposeTests.RepositoryRoot(), "appsettings.json")))!["Pipelines"]![Pipeline];
        Assert.True(JsonNode.DeepEquals(configured, shown), $"the README shows {shown}, appsettings.json has {configured}");

        var port = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        var work = ServiceProcess.NewWorkingDirectory();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var generated = new List<string>();
        System.Diagnostics.Process? kinesalite = null;
        ServiceProcess? service = null;
        Uri? url = null;
        long written = 0, readBefore = 0;
        var ran = new List<string>();
        try
        {
            foreach (var command in Readme.Commands(section).Select(c => c.Select(w => w.Replace("4567", port, StringComparison.Ordinal)).ToArray()))
            {
                switch (Readme.ReactiveArguments(command))
                {
                    case null when command is ["node", "tests/kinesis/kinesalite.js", .. var arguments]:
                        kinesalite = await StartKinesaliteAsync(arguments, port);
                        break;

                    case null when command is ["export", .. var variables]:
                        foreach (var variable in variables)
                        {
                            environment[variable[..variable.IndexOf('=', StringComparison.Ordinal)]] = variable[(variable.IndexOf('=', StringComparison.Ordinal) + 1)..];
                        }

                        break;

                    case ["produce", "kinesis", .. var arguments] args:
                        {
                            await StopAsync(service);
                            service = null;
                            await using var produce = ServiceProcess.Start(work, environment, args);
                            Assert.True(await produce.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, $"{string.Join(' ', command)}\n{produce.Stderr}");
                            written += long.Parse(Wrote().Match(produce.Stderr).Groups["records"].Value, CultureInfo.InvariantCulture);
                            generated.AddRange(Generated(arguments));
                            break;
                        }

                    case ["--pipelines", Pipeline, ..] args:
                        {
                            await StopAsync(service);
                            service = ServiceProcess.Start(work, environment, [.. args, "--urls", "http://127.0.0.1:0"]);
                            url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
                            using var http = new HttpClient { BaseAddress = url };
                            var all = written;
                            var progress = await KinesisEndToEnd.WaitForProgressAsync(http, Pipeline, p => Records(p) == all, $"a batch ending after the {all} records written", service);
                            Assert.Equal("exactly-once", progress.GetProperty("delivery").GetString());
                            Assert.Equal(2, progress.GetProperty("shards").GetArrayLength());
                            if (readBefore > 0)
                            {
                                // The second start resumes after what the first had read, and reads only the new records.
                                Assert.Contains("restored batch", service.Stderr, StringComparison.Ordinal);
                                Assert.Contains($"resuming after {readBefore} records", service.Stderr, StringComparison.Ordinal);
                            }

                            Assert.Equal(all - readBefore, progress.GetProperty("inputRows").GetInt64());
                            readBefore = all;
                            break;
                        }

                    case ["sql", var query] args:
                        {
                            var (exit, stdout, stderr) = await BitcoinPipelineTests.RunAsync(work, url, args);
                            Assert.True(exit == 0, $"{string.Join(' ', command)}\n{stderr}");
                            Assert.Matches(@"\(\d+ rows?\)\n$", stdout);
                            Assert.DoesNotContain("(0 rows)", stdout, StringComparison.Ordinal);
                            if (query.Contains("as records", StringComparison.Ordinal))
                            {
                                Assert.Matches($@"\|\s*{written}\s*\|", stdout);
                            }

                            break;
                        }

                    case null when command is ["curl", "-s", var address] && address.StartsWith("127.0.0.1:5080/", StringComparison.Ordinal):
                        {
                            using var http = new HttpClient { BaseAddress = url };
                            var progress = await http.GetFromJsonAsync<JsonElement>(address["127.0.0.1:5080".Length..]);
                            Assert.Equal(JsonValueKind.Object, progress.GetProperty("lastHourAverage").ValueKind);
                            Assert.Equal(written, progress.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("recordsRead").GetInt64()));
                            break;
                        }

                    default:
                        Assert.Fail($"the README shows a command no test runs: {string.Join(' ', command)}");
                        break;
                }

                ran.Add(command[0] is "dotnet" or "reactive" ? string.Join(' ', Readme.ReactiveArguments(command)!.Take(1)) : command[0]);
            }

            Assert.Equal(["node", "export", "produce", "--pipelines", "sql", "curl", "produce", "--pipelines", "sql"], ran);

            // Every record once: the table equals the windows of the rates the two produce commands generated.
            var rates = generated.Select(Rate).ToList();
            Assert.Equal(written, rates.Count);
            using var client = new HttpClient { BaseAddress = url };
            var table = await KinesisEndToEnd.TableAsync(client);
            var expected = BitcoinFeed.Of(rates).Windows();
            Assert.Equal(expected.Count, table.Count);
            foreach (var (want, got) in expected.Zip(table))
            {
                Assert.Equal((new DateTimeOffset(want.Start).ToUnixTimeMilliseconds(), want.Count), (got.StartMs, got.Count));
                Assert.Equal(want.Euro!.Value, got.Euro!.Value, 1e-9 * want.Euro.Value);
                Assert.Equal(want.Usd!.Value, got.Usd!.Value, 1e-9 * want.Usd.Value);
                Assert.Equal(want.Gbp!.Value, got.Gbp!.Value, 1e-9 * want.Gbp.Value);
            }

            Assert.Equal(0, await service!.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }

            if (kinesalite is not null)
            {
                kinesalite.Kill();
                await kinesalite.WaitForExitAsync();
                kinesalite.Dispose();
            }
        }
    }

    /// <summary>Starts the README's kinesalite command (its port substituted) and waits for its ready line.</summary>
    private static async Task<System.Diagnostics.Process> StartKinesaliteAsync(string[] arguments, string port)
    {
        NodeTools.EnsureInstalled("kinesalite");
        var process = NodeTools.Start(NodeTools.KinesisScript("kinesalite.js"), [.. arguments, "--exit-with-stdin"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ready = $"kinesalite ready on http://127.0.0.1:{port}";
        for (var line = await process.StandardOutput.ReadLineAsync(timeout.Token); line != ready; line = await process.StandardOutput.ReadLineAsync(timeout.Token))
        {
            Assert.True(line is not null, $"kinesalite ended before it was ready: {await process.StandardError.ReadToEndAsync()}");
        }

        return process;
    }

    private static async Task StopAsync(ServiceProcess? service)
    {
        if (service is not null)
        {
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
            await service.DisposeAsync();
        }
    }

    /// <summary>The records the last batch's end offset covers (Kinesis: the count read up to it, over every start).</summary>
    private static long Records(JsonElement progress) =>
        progress.TryGetProperty("lastProgress", out var batch) && batch.ValueKind == JsonValueKind.Object
        && batch.GetProperty("sources")[0].GetProperty("endOffset") is { ValueKind: JsonValueKind.Object } end
            ? end.GetProperty("records").GetInt64()
            : -1;

    /// <summary>The lines <c>reactive generate bitcoin</c> gives for the generator arguments of a produce command.</summary>
    private static string[] Generated(string[] produce)
    {
        string[] generator = ["--rows", "--seed", "--start", "--interval"];
        var args = new List<string> { "generate", "bitcoin" };
        for (var i = 0; i + 1 < produce.Length; i++)
        {
            if (generator.Contains(produce[i]))
            {
                args.AddRange([produce[i], produce[i + 1]]);
            }
        }

        var (exit, stdout, stderr) = CliRunner.Run([.. args]);
        Assert.True(exit == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static Rate Rate(string line)
    {
        var json = JsonDocument.Parse(line).RootElement;
        return new Rate(
            DateTime.SpecifyKind(DateTime.ParseExact(json.GetProperty("timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc),
            json.GetProperty("euro_rate").GetDouble(),
            json.GetProperty("usd_rate").GetDouble(),
            json.GetProperty("gbp_rate").GetDouble());
    }

    [GeneratedRegex(@"wrote (?<records>[0-9]+) records to bitcoin-info \(2 shards")]
    private static partial Regex Wrote();
}
