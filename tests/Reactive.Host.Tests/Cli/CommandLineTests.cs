using Reactive.Host.Kinds;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// The command line (System.CommandLine): subcommands with their own help, options made from the binding tables,
/// unknown or misspelt words refused with exit 2 and the nearest word suggested, nothing started by a bad command line.
/// </summary>
public sealed class CommandLineTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("frobnicate", "reactive: unknown command 'frobnicate' (one of: run, generate, produce, sql, health)")]
    [InlineData("rnu", "reactive: unknown command 'rnu' (one of: run, generate, produce, sql, health) (did you mean run?)")]
    public async Task Reactive_UnknownCommand_ExitTwoWithoutStartingTheService(string word, string expected)
    {
        await using var process = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, word, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await process.WaitForExitAsync(Deadline));
        Assert.Equal(expected, process.Stderr.Trim());
        Assert.DoesNotContain("Now listening", process.Stderr + process.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reactive_BarePipelines_IsAnErrorNamingItNotAPipelineNamedUrls()
    {
        await using var process = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--pipelines", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await process.WaitForExitAsync(Deadline));
        Assert.StartsWith("reactive: --pipelines: needs a value", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("no pipeline named", process.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", process.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Reactive_BadKindOfASelectedPipeline_IsOneLineNamingTheKey()
    {
        var (exit, _, stderr) = CliRunner.Run(
            "--list-pipelines", "--pipelines", "mine", "--Pipelines:mine:Kind", "sprad",
            "--Pipelines:mine:Source:Kind", "generator", "--Pipelines:mine:Source:Generator", "bbo");

        Assert.Equal(2, exit);
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList(); // after "invalid configuration"
        var error = Assert.Single(errors);
        Assert.Contains("Pipelines:mine:Kind: unknown pipeline kind 'sprad'", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reactive run: --inptu: not an argument of 'run spread' (did you mean --input?)", "run", "spread", "--inptu", "q.csv")]
    [InlineData("reactive run: unknown pipeline 'sprad' (one of: aggregate, anomaly, bitcoin, spread, trading) (did you mean spread?)", "run", "sprad", "--input", "q.csv")]
    [InlineData("reactive generate: --sed: not an argument of 'generate hourly' (did you mean --seed?)", "generate", "hourly", "--sed", "4")]
    [InlineData("reactive sql: --jsno: not an argument of 'sql' (did you mean --json?)", "sql", "--jsno", "SELECT 1")]
    [InlineData("reactive: --list-pipeline: not an argument of 'reactive' (did you mean --list-pipelines?)", "--list-pipeline")]
    public void Reactive_MisspeltWord_ExitTwoSuggestingTheNearest(string expected, params string[] args)
    {
        var (exit, stdout, stderr) = CliRunner.Run(args);

        Assert.Equal(2, exit);
        Assert.Equal(expected, stderr.Split('\n')[0]);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Run_ConfigurationKey_IsRefusedNotIgnored()
    {
        var (exit, _, stderr) = CliRunner.Run("run", "spread", "--input", "q.csv", "--output", "-", "--Pipelines:x:Kind", "spread");

        Assert.Equal(2, exit);
        Assert.Contains("--Pipelines:x:Kind: a configuration key", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("generate", "bbo", "--help")]
    [InlineData("produce", "kinesis", "--help")]
    [InlineData("sql", "--help")]
    public void Help_OfEachCommand_ExitsZeroWithItsUsage(params string[] args)
    {
        var (exit, stdout, stderr) = CliRunner.Run(args);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage:", stdout, StringComparison.Ordinal);
        Assert.Contains("Options:", stdout, StringComparison.Ordinal);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void RunKindHelp_ListsEverySettingOfTheKindsBindingTableWithItsKey()
    {
        foreach (var kind in PipelineKinds.All.Where(k => k.OneShot))
        {
            var (exit, stdout, _) = CliRunner.Run("run", kind.Name, "--help");

            Assert.Equal(0, exit);
            var lines = stdout.Split('\n');
            foreach (var argument in kind.Arguments)
            {
                Assert.Contains(lines, l => l.TrimStart().StartsWith("--" + argument.Name.Arg, StringComparison.Ordinal)
                    && l.EndsWith("= Pipelines:NAME:Options:" + argument.Name.Key, StringComparison.Ordinal));
            }
        }
    }
}
