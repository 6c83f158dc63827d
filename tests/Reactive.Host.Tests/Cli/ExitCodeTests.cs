using System.Globalization;
using System.Text.RegularExpressions;
using Reactive.Host.Cli;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Cli;

/// <summary>The exit codes a script can trust: the table of docs/CLI.md, and its examples run by the built command.</summary>
public sealed partial class ExitCodeTests
{
    private const string Heading = "## Exit codes";

    [Fact]
    public void ExitCodeTable_HasOneRowPerCode()
    {
        var section = Readme.Section(Heading, "docs/CLI.md");
        var documented = TableRow().Matches(section).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

        int[] codes = [ExitCodes.Ok, ExitCodes.Failure, ExitCodes.Usage, ExitCodes.Unreachable, ExitCodes.TooManyDeadLetters];
        Assert.Equal(codes, documented);
    }

    [Fact]
    public async Task ExitCodeExamples_RunAsWritten_ExitAsTheirCommentsSay()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        var block = Assert.Single(Readme.Blocks(Readme.Section(Heading, "docs/CLI.md")), b => b.Language == "sh").Text;
        var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 6, block);
        var seen = new HashSet<int>();
        foreach (var line in lines)
        {
            var expected = int.Parse(ExitComment().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
            var words = Assert.Single(Readme.Words(line));
            Assert.Equal("reactive", words[0]);

            await using var process = ServiceProcess.Start(work, null, words[1..]);
            var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));

            Assert.True(expected == exit, $"{line}: exit {exit}\n{process.Stderr}");
            Assert.DoesNotContain("   at ", process.Stderr, StringComparison.Ordinal); // one line, no stack trace
            seen.Add(exit);
        }

        Assert.Equal([0, 1, 2, 3, 4], seen.Order());
        Assert.Equal(101, File.ReadAllLines(Path.Combine(work, "prices.csv")).Length); // exit 2 left the input as it was
        Assert.Empty(Directory.GetFiles(work, "*.tmp", SearchOption.AllDirectories)); // no temporary file left behind
    }

    [Fact]
    public void Run_FewBadRowsAmongGoodOnes_ExitsZero()
    {
        var input = CliRunner.TempFile("prices.csv");
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "200", "-o", input).Exit);
        var lines = File.ReadAllLines(input);
        lines[5] = "not,a,price";
        File.WriteAllLines(input, lines);

        var (exit, _, stderr) = CliRunner.Run("run", "anomaly", "--input", input, "--output", "-");

        Assert.True(exit == 0, stderr);
        Assert.Contains("1 dead letters", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_EveryRowRejectedButAllowedByMaxDeadLetters_ExitsZero()
    {
        var input = CliRunner.TempFile("quotes.csv");
        File.WriteAllLines(input, ["not a quote", "nor this"]);

        var strict = CliRunner.Run("run", "spread", "--input", input, "--output", "-");
        var allowed = CliRunner.Run("run", "spread", "--input", input, "--output", "-", "--max-dead-letters", "2");

        Assert.Equal(4, strict.Exit);
        Assert.Contains("every row was rejected", strict.Stderr, StringComparison.Ordinal);
        Assert.True(allowed.Exit == 0, allowed.Stderr);
    }

    [GeneratedRegex(@"^\| (\d+) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"# exit (\d+)")]
    private static partial Regex ExitComment();
}
