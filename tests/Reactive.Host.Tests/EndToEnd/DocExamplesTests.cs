using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Reactive.Testing;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// Every shell example of the README and the docs is run by a test: <see cref="EveryShellExample_IsRunByATest_OrSaysWhyNot"/>
/// finds each fenced <c>sh</c> block and checks that its section is one a named test runs, or that the block's first
/// line says why it is not run; the other tests here run the sections no other test runs, as written, with two
/// substitutions a test needs (a free port for 9999 and 5080, and the shared data's real path for ../shared/data).
/// </summary>
public sealed partial class DocExamplesTests
{
    /// <summary>The sections with shell examples, by file and heading, and the test class that runs them as written.</summary>
    private static readonly (string File, string Heading, string Test)[] RunBy =
    [
        ("README.md", "# Reactive", "DefaultsTests"),
        ("README.md", "## Quickstart: the course's socket word count", nameof(DocExamplesTests)),
        ("README.md", "## Quickstart: Exercise 1", nameof(CourseSocketFeedTests)),
        ("README.md", "## Quickstart: files moved into a directory", nameof(DocExamplesTests)),
        ("README.md", "## Quickstart: a memory table queried with SQL", nameof(DocExamplesTests)),
        ("docs/BITCOIN.md", "## Quickstart: the course's bitcoin notebook", nameof(ReadmeBitcoinTests)),
        ("docs/BITCOIN.md", "## Quickstart: the bitcoin notebook on Kinesis", nameof(ReadmeKinesisTests)),
        ("docs/CLI.md", "## Getting the `reactive` command", "ReactiveScriptTests"),
        ("docs/CLI.md", "## Exit codes", "ExitCodeTests"),
        ("docs/CONFIGURATION.md", "# Configuration reference", nameof(DocExamplesTests)),
        ("docs/DASHBOARD.md", "# Dashboard", "DashboardStreamTests"),
        ("docs/DEPLOYMENT.md", "## Checking the file without Docker", nameof(DeploymentDocTests)),
        ("docs/ONE-SHOT.md", "## One-shot runs", nameof(DocExamplesTests)),
        ("docs/WALLET-SIMULATOR.md", "## Wallet simulator", "ReadmeTests"),
        ("src/Reactive.Host/Trading/README.md", "### Run it", "TradingReadmeTests"),
    ];

    private static readonly string[] Pages =
        ["README.md", .. Readme.Docs().Select(d => "docs/" + d.Name), "src/Reactive.Host/Trading/README.md", "src/Reactive.Host/Wallet/README.md", "bench/Reactive.Bench/README.md"];

    [Fact]
    public void EveryShellExample_IsRunByATest_OrSaysWhyNot()
    {
        var root = Readme.RepositoryRoot();
        var testSources = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var unrun = new List<string>();
        var blocks = 0;
        foreach (var page in Pages)
        {
            // The headings the line is under, by level: a test that runs a section runs its subsections.
            var headings = new SortedDictionary<int, string>();
            var lines = File.ReadAllLines(Path.Combine(root, page));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].StartsWith('#'))
                {
                    var level = lines[i].TakeWhile(c => c == '#').Count();
                    foreach (var deeper in headings.Keys.Where(k => k >= level).ToList())
                    {
                        headings.Remove(deeper);
                    }

                    headings[level] = lines[i];
                }
                else if (lines[i] is "```sh" or "```bash" or "```shell")
                {
                    blocks++;
                    var first = i + 1 < lines.Length ? lines[i + 1] : string.Empty;
                    var heading = headings.Count == 0 ? string.Empty : headings.Values.Last();
                    var covered = RunBy.Where(r => r.File == page && headings.Values.Any(h => h.StartsWith(r.Heading, StringComparison.Ordinal))).ToList();
                    if (first.TrimStart().StartsWith('#') && first.Contains("not run by the tests", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (covered.Count == 0)
                    {
                        unrun.Add($"{page}: {heading}: {first}");
                    }
                }
            }
        }

        // The named tests exist.
        foreach (var (_, _, test) in RunBy)
        {
            Assert.True(testSources.Any(s => s.Contains($"class {test}", StringComparison.Ordinal)), $"no test class {test}");
        }

        Assert.True(blocks > 20, $"only {blocks} shell blocks found");
        Assert.True(unrun.Count == 0, "shell examples no test runs and that do not say why (first line '# not run by the tests: why'):\n" + string.Join("\n", unrun));
    }

    [RequiresExecutableFact(Tools.Ncat)]
    public async Task Readme_SocketWordCount_AsWritten_CountsTheWordsTypedIntoNcat()
    {
        var commands = Readme.Commands(Readme.Section("## Quickstart: the course's socket word count"));
        Assert.Equal([["ncat", "-lk", "9999"], ["reactive", "--pipelines", "wordcount"]], commands);
        var port = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        using var ncat = StartNcat(port);
        var work = ServiceProcess.NewWorkingDirectory();
        await using var service = ServiceProcess.Start(work, null, [.. Readme.ReactiveArguments(commands[1])!, "--Pipelines:wordcount:Source:Port", port, "--urls", "http://127.0.0.1:0"]);
        await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));

        // Typed lines, until a batch shows them (the service connects once ncat listens, its batches are 10 s).
        await TypeUntilAsync(ncat, "the cat and the hat", () => Task.FromResult(TupleOfThe().IsMatch(service.Stdout)), TimeSpan.FromSeconds(90), service);
        Assert.Matches(@"-------------------------------------------\nTime: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n-------------------------------------------\n", service.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [RequiresExecutableFact(Tools.Ncat)]
    public async Task Readme_MemoryTable_AsWritten_TheCoursesSqlSplitsTheTypedLines()
    {
        var commands = Readme.Commands(Readme.Section("## Quickstart: a memory table queried with SQL"));
        Assert.Equal(3, commands.Count);
        Assert.Equal(["ncat", "-lk", "9999"], commands[0]);
        var port = ServiceProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        using var ncat = StartNcat(port);
        var work = ServiceProcess.NewWorkingDirectory();
        await using var service = ServiceProcess.Start(work, null, [.. Readme.ReactiveArguments(commands[1])!, "--Pipelines:raw:Source:Port", port, "--urls", "http://127.0.0.1:0"]);
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        var sql = Readme.ReactiveArguments(commands[2])!;

        string? answer = null;
        await TypeUntilAsync(
            ncat,
            "1,apple",
            async () =>
            {
                var (exit, stdout, _) = await BitcoinPipelineTests.RunAsync(work, url, sql);
                answer = stdout;
                return exit == 0 && !stdout.Contains("(0 rows)", StringComparison.Ordinal);
            },
            TimeSpan.FromSeconds(90),
            service);

        Assert.Matches(@"Col1\s*\|\s*Col2", answer);
        Assert.Matches(@"\b1\s*\|\s*apple\b", answer);
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Readme_FilesMovedIn_AsWritten_EachRowPrintedAsAList()
    {
        var commands = Readme.Commands(Readme.Section("## Quickstart: files moved into a directory"));
        Assert.Equal(["reactive", "--pipelines", "files"], commands[0]);
        var work = ServiceProcess.NewWorkingDirectory();
        await using var service = ServiceProcess.Start(work, null, [.. Readme.ReactiveArguments(commands[0])!, "--urls", "http://127.0.0.1:0"]);
        await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));

        // The first (empty) batch: the pipeline runs, its source watches (a file there before it started would be skipped).
        await service.WaitForStdoutAsync(o => o.Contains("Time: ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the first batch");
        Assert.True(Directory.Exists(Path.Combine(work, "data", "incoming")), "the watched folder data/incoming");

        // The second command as the README writes it, by a shell in the service's folder.
        var move = Assert.Single(Readme.Blocks(Readme.Section("## Quickstart: files moved into a directory")), b => b.Language == "sh").Text
            .Split('\n').Single(l => l.StartsWith("printf", StringComparison.Ordinal));
        var (exit, output) = await ShellAsync(move, work);
        Assert.True(exit == 0, output);

        await service.WaitForStdoutAsync(o => o.Contains("['a', 'b', 'c']", StringComparison.Ordinal) && o.Contains("['1', '2', '3']", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the moved file's rows");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Configuration_TheThreeWaysToSetAKey_AsWritten()
    {
        var commands = Readme.Commands(Readme.Section("# Configuration reference", "docs/CONFIGURATION.md"));
        Assert.Equal(3, commands.Count);

        // 1. An environment variable enables the course's word count beside the defaults.
        Assert.Equal(["Pipelines__wordcount__Enabled=true", "reactive"], commands[0]);
        var work = ServiceProcess.NewWorkingDirectory();
        await using (var service = ServiceProcess.Start(work, new Dictionary<string, string> { ["Pipelines__wordcount__Enabled"] = "true" }, "--urls", "http://127.0.0.1:0"))
        {
            await service.WaitForStderrAsync("Enabled pipelines:", TimeSpan.FromSeconds(60));
            Assert.Contains("wordcount", EnabledLine(service.Stderr)!.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        // 2. The command line: another port, one pipeline.
        var second = Readme.ReactiveArguments(commands[1])!;
        await using (var service = ServiceProcess.Start(work, null, [.. second, "--urls", "http://127.0.0.1:0"]))
        {
            await service.WaitForStderrAsync("Enabled pipelines:", TimeSpan.FromSeconds(60));
            Assert.Equal(["wordcount"], EnabledLine(service.Stderr)!.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));
            await service.WaitForStderrAsync(":9998", TimeSpan.FromSeconds(60));
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(20)));
        }

        // 3. The list.
        var (exit, stdout, stderr) = await BitcoinPipelineTests.RunAsync(work, null, Readme.ReactiveArguments(commands[2])!);
        Assert.True(exit == 0, stderr);
        Assert.Matches(@"(?m)^wordcount +wordcount +no ", stdout);
        Assert.Matches(@"(?m)^sample-bitcoin +bitcoin +yes ", stdout);
    }

    [SharedDataFact("14081.csv")]
    public async Task OneShot_TheCoursesFiles_AsWritten_GiveTheFiguresTheDocSays()
    {
        var section = Readme.Section("## One-shot runs", "docs/ONE-SHOT.md");
        var commands = Readme.Commands(section).Select(c => c.Select(w => w.Replace("../shared/data/", SharedData.Folder + "/", StringComparison.Ordinal)).ToArray()).ToList();
        var work = ServiceProcess.NewWorkingDirectory();
        var ran = 0;
        foreach (var command in commands)
        {
            var args = Readme.ReactiveArguments(command);
            Assert.True(args is not null, $"not a reactive command: {string.Join(' ', command)}");
            var (exit, stdout, stderr) = await BitcoinPipelineTests.RunAsync(work, null, args);
            Assert.True(exit == 0, $"{string.Join(' ', command)}\n{stderr}");
            if (args.Zip(args.Skip(1)).Any(p => p is ("--output", "-")))
            {
                Assert.NotEmpty(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }

            ran++;
        }

        Assert.Equal(5, ran);

        // The comments' figures: 13,570 rows (12,434 seconds, 1,136 minutes); 458 anomalies, the first 2017-01-15 hour 3.
        var spread = await File.ReadAllLinesAsync(Path.Combine(work, "spread.jsonl"));
        Assert.Equal(13_570, spread.Length);
        Assert.Equal(12_434, spread.Count(l => l.Contains("\"kind\":\"second\"", StringComparison.Ordinal)));
        Assert.Equal(1_136, spread.Count(l => l.Contains("\"kind\":\"minute\"", StringComparison.Ordinal)));
        var anomalies = await File.ReadAllLinesAsync(Path.Combine(work, "anomalies.jsonl"));
        Assert.Equal(458, anomalies.Length);
        Assert.Contains("2017-01-15", anomalies[0], StringComparison.Ordinal);
        Assert.Contains("22.3", anomalies[0], StringComparison.Ordinal);
    }

    private static string? EnabledLine(string stderr) =>
        EnabledPattern().Match(stderr) is { Success: true } m ? m.Groups[1].Value : null;

    private static Process StartNcat(string port)
    {
        var ncat = Process.Start(new ProcessStartInfo(Tools.Ncat, ["-lk", port]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        return ncat;
    }

    /// <summary>Types <paramref name="line"/> into ncat (it sends what it reads to the connected service) every half second until <paramref name="done"/>.</summary>
    private static async Task TypeUntilAsync(Process ncat, string line, Func<Task<bool>> done, TimeSpan timeout, ServiceProcess service)
    {
        try
        {
            for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(500))
            {
                await ncat.StandardInput.WriteLineAsync(line);
                await ncat.StandardInput.FlushAsync();
                if (await done())
                {
                    return;
                }
            }

            Assert.Fail($"waited {timeout} for the typed lines' result\n--- stdout ---\n{service.Stdout}\n--- stderr ---\n{service.Stderr}");
        }
        finally
        {
            if (!ncat.HasExited)
            {
                ncat.Kill();
            }
        }
    }

    private static async Task<(int Exit, string Output)> ShellAsync(string command, string directory)
    {
        using var shell = Process.Start(new ProcessStartInfo("/bin/bash", ["-c", command]) { WorkingDirectory = directory, RedirectStandardError = true, UseShellExecute = false })!;
        var error = await shell.StandardError.ReadToEndAsync();
        await shell.WaitForExitAsync();
        return (shell.ExitCode, error);
    }

    [GeneratedRegex(@"\('the', \d+\)")]
    private static partial Regex TupleOfThe();

    [GeneratedRegex(@"Enabled pipelines: ([^\r\n]*)")]
    private static partial Regex EnabledPattern();
}
