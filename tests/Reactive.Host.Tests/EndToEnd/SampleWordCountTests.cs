using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The service on its embedded defaults prints word counts in Spark's pprint layout.</summary>
public sealed partial class SampleWordCountTests
{
    [Fact]
    public async Task Service_EmbeddedDefaults_PrintsPprintBatchesAndStopsCleanlyOnSigterm()
    {
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--urls", "http://127.0.0.1:0",
            "--Pipelines:sample-wordcount:Options:BatchInterval", "1 second",
            "--Pipelines:sample-wordcount:Source:Interval", "20 milliseconds");

        await service.WaitForStdoutAsync(o => TupleLine().IsMatch(o), TimeSpan.FromSeconds(30), "a batch with word counts");
        var exit = await service.TerminateAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, exit);
        var blocks = Batches(service.Stdout);
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            // Each block: rule, Time line, rule, at most 10 records, optional "...", blank line.
            Assert.Equal(new string('-', 43), block[0]);
            Assert.Matches(@"^Time: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", block[1]);
            Assert.Equal(new string('-', 43), block[2]);
            var records = block.Skip(3).TakeWhile(l => l.Length > 0 && l != "...").ToList();
            Assert.True(records.Count <= 10, $"at most 10 records, got {records.Count}");
            Assert.All(records, r => Assert.Matches(TupleLine(), r));
            var counts = records.Select(r => int.Parse(TupleLine().Match(r).Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(counts.OrderByDescending(c => c), counts);
        }

        Assert.Contains("Pipeline sample-wordcount finished", service.Stderr, StringComparison.Ordinal);
    }

    internal static List<List<string>> Batches(string stdout)
    {
        var lines = stdout.Split('\n');
        var blocks = new List<List<string>>();
        for (var i = 0; i + 2 < lines.Length; i++)
        {
            if (lines[i] == new string('-', 43) && lines[i + 1].StartsWith("Time: ", StringComparison.Ordinal))
            {
                var block = new List<string> { lines[i], lines[i + 1], lines[i + 2] };
                for (var j = i + 3; j < lines.Length; j++)
                {
                    block.Add(lines[j]);
                    if (lines[j].Length == 0)
                    {
                        break;
                    }
                }

                blocks.Add(block);
                i += block.Count - 1;
            }
        }

        return blocks;
    }

    [GeneratedRegex(@"^\('([^']*)', (\d+)\)$", RegexOptions.Multiline)]
    internal static partial Regex TupleLine();
}
