using System.Text;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// <c>reactive run … --output -</c>: the rows a read of the input made go to standard output together, before the next
/// read; the bytes are those written into a file, dead letters sent to the same standard output keep their place among
/// the rows, and a line typed into <c>--input -</c> shows its result before the run waits for the next.
/// </summary>
public sealed class RunStandardOutputTests
{
    private const string Header = "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size";

    [Fact]
    public void RunSpreadQuotes_ToStandardOutput_TheFilesBytes_AndEachDeadLetterAfterTheRowsOfTheLinesBeforeIt()
    {
        var generated = CliRunner.TempFile("g.csv");
        Assert.Equal(0, CliRunner.Run("generate", "bbo", "--rows", "3000", "-o", generated).Exit);
        var lines = File.ReadAllLines(generated).ToList();

        // Unparseable lines at a few places (after the header, in the middle, last): line numbers as the run counts them.
        foreach (var at in new[] { 1, 1_500, lines.Count })
        {
            lines.Insert(at, "not,a,quote");
        }

        var input = CliRunner.TempFile("q.csv");
        File.WriteAllText(input, string.Join("\n", lines) + "\n");
        var badLines = lines.Select((text, i) => (text, line: i + 1)).Where(l => l.text == "not,a,quote").Select(l => (long)l.line).ToList();
        var intoFile = CliRunner.TempFile("o.jsonl");
        var deadFile = CliRunner.TempFile("d.jsonl");

        var (exitFile, _, errFile) = CliRunner.Run("run", "spread", "--quotes", "--input", input, "--output", intoFile, "--dead-letters", deadFile);
        var (exit, stdout, stderr) = CliRunner.Run("run", "spread", "--quotes", "--input", input, "--output", "-", "--dead-letters", "-");

        Assert.True(exitFile == 0, errFile);
        Assert.True(exit == 0, stderr);
        var outLines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var dead = outLines.Where(l => l.StartsWith("{\"source\":", StringComparison.Ordinal)).ToList();
        var rows = outLines.Where(l => !l.StartsWith("{\"source\":", StringComparison.Ordinal)).ToList();
        Assert.Equal(File.ReadAllText(intoFile), string.Concat(rows.Select(r => r + "\n")));
        Assert.Equal(File.ReadAllText(deadFile), string.Concat(dead.Select(d => d + "\n")));
        Assert.Equal(badLines, CliRunner.ReadJsonLines(deadFile).Select(d => d.GetProperty("line").GetInt64()));

        // Each good line makes its quote row as it is read: the quote rows before a dead letter are the good lines before it.
        foreach (var (bad, index) in badLines.Select((b, i) => (b, i)))
        {
            var position = Array.FindIndex(outLines, l => l.Contains($"\"line\":{bad},", StringComparison.Ordinal));
            var quotesBefore = outLines.Take(position).Count(l => l.Contains("\"kind\":\"quote\"", StringComparison.Ordinal));
            var goodLinesBefore = (int)bad - 1 - 1 - index; // less the header and the bad lines before it
            Assert.Equal(goodLinesBefore, quotesBefore);
        }
    }

    [Fact]
    public async Task RunSpreadQuotes_FromTypedStandardInput_EachQuoteShowsBeforeTheNextLineIsTyped()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        await using var run = ServiceProcess.Start(work, null, "run", "spread", "--quotes", "--input", "-", "--output", "-");

        await run.WriteStandardInputAsync(Encoding.UTF8.GetBytes(Header + "\nITT,03/03/2014,09:30:05.000,43.16,Z,1,43.69,P,3\n"));
        await run.WaitForStdoutAsync(s => Quotes(s) == 1, TimeSpan.FromSeconds(60), "the first quote's row while the input is still open");
        await run.WriteStandardInputAsync(Encoding.UTF8.GetBytes("ITT,03/03/2014,09:30:06.500,43.17,Z,1,43.69,P,3\n"));
        await run.WaitForStdoutAsync(s => Quotes(s) == 2, TimeSpan.FromSeconds(60), "the second quote's row while the input is still open");
        Assert.False(run.HasExited);

        await run.WriteStandardInputAndCloseAsync([]);
        Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(2, Quotes(run.Stdout));
        Assert.Contains("\"bid\":43.17", run.Stdout, StringComparison.Ordinal);
    }

    private static int Quotes(string stdout) => stdout.Split('\n').Count(l => l.Contains("\"kind\":\"quote\"", StringComparison.Ordinal));
}
