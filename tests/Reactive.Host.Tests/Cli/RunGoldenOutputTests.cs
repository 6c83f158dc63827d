using System.Security.Cryptography;
using Reactive.Testing;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// <c>reactive run</c> over the course's real files, byte for byte as before the pipeline-model rewrite (issue 10):
/// each expected hash is the SHA-256 of the output the commit 8185681 wrote for the same command (computed with that
/// commit's build, not with the code under test). A change to a result's bytes must be deliberate: it changes a hash
/// here, with the reason in the commit.
/// </summary>
/// <remarks>
/// Two changes are deliberate: each spread row now says its symbol (the spread is per symbol, a real feed carries
/// many), and each aggregate row starts with its micro-batch's <c>batchId</c> (issue 11: Spark's execution model).
/// Those outputs are compared with that one field taken out of every line, and every line must have had it.
/// </remarks>
public sealed class RunGoldenOutputTests
{
    private const string Kraken = "btc_gbp_kraken_trades_2017-06-11_to_2017-07-17.csv";

    public static TheoryData<string, string, string[]> Runs => new()
    {
        { "14081.csv", "8fba49c25f106f99ebb4cd168e78cc2320a664a01fffb2cf14675d09799cd1a6", ["spread"] },
        { "14081.csv", "6d4fd00f94a86f892db3e832500cbb4f7ae03c72623b3aef9dfae39dfe1d7cfb", ["spread", "--quotes", "--exclude-locked-crossed"] },
        { "utility.csv", "b45411a56280b291fd535631c68523b02a82c96c7d1399f8a00b6249fa69f82d", ["anomaly"] },
        { "utility.csv", "583bd7628bf1709d6962d6024482409cff70ad04844815881cf854a187e6ecdc", ["anomaly", "--all"] },
        {
            Kraken, "3cf3e0870dc0dce8a935e07b43621030f3cd8b47cde414ee9a5359195a21827d",
            ["aggregate", "--no-header", "--schema", "t timestamp, price double, amount double", "--time-field", "t", "--time-format", "unix_s",
             "--window", "1 hour", "--slide", "30 minutes", "--agg", "count", "--agg", "sum(amount)", "--agg", "avg(price)",
             "--agg", "stddev(price)", "--agg", "min(price)", "--agg", "max(price)"]
        },
        {
            Kraken, "c1a95162dd3042deeabf950a065f001d68d40e0f746687173bf2e88a2a523940",
            ["aggregate", "--no-header", "--schema", "t timestamp, price double, amount double", "--time-field", "t", "--time-format", "unix_s",
             "--window", "10 minutes", "--slide", "5 minutes", "--agg", "count", "--agg", "avg(price)", "--watermark", "1 minute",
             "--output-mode", "update"]
        },
    };

    [SharedDataTheory("14081.csv", "utility.csv", Kraken)]
    [MemberData(nameof(Runs))]
    public void Run_CourseData_WritesTheSameBytesAsBefore(string file, string expectedSha256, string[] args)
    {
        var output = CliRunner.TempFile("golden.jsonl");
        var (exit, _, stderr) = CliRunner.Run(["run", args[0], "--input", SharedData.PathOf(file), "--output", output, .. args[1..]]);

        Assert.True(exit == 0, stderr);
        var bytes = File.ReadAllBytes(output);
        if (args[0] == "spread")
        {
            const string symbol = "\"symbol\":\"ITT\",";
            var lines = File.ReadAllLines(output);
            Assert.All(lines, line => Assert.Equal(1, CountOf(line, symbol)));
            bytes = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l.Replace(symbol, "", StringComparison.Ordinal) + "\n")));
        }
        else if (args[0] == "aggregate")
        {
            // {"batchId":N,"window":… → {"window":…
            var lines = File.ReadAllLines(output);
            Assert.All(lines, line => Assert.Matches("""^\{"batchId":\d+,"window":""", line));
            bytes = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => "{" + l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..] + "\n")));
        }

        Assert.Equal(expectedSha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
