using System.Globalization;
using System.Reactive.Concurrency;
using System.Text;
using Reactive.Host.Http;
using Reactive.Host.Progress;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>Counts that add up: every line read is a row parsed, a dead letter (by code) or a skipped line (blank, header).</summary>
public sealed class LineAccountingTests
{
    private const string Header = "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size";
    private const int MaxLineLength = 200;

    [Fact]
    public async Task JunkFeed_ThroughTheSpreadPipeline_LinesReadAddUpExactly()
    {
        var (feed, expected) = JunkFeed(1000);
        var path = Path.Combine(Path.GetTempPath(), $"reactive-junk-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, feed);
        try
        {
            await using var pipeline = await InProcessPipeline.StartAsync(
                "junk",
                TimeProvider.System,
                DefaultScheduler.Instance,
                ("Kind", "spread"),
                ("Options:MaxSymbols", "2"),
                ("Source:Kind", "replay"),
                ("Source:Path", path),
                ("Source:AsFastAsPossible", "true"),
                ("Source:MaxLineLength", MaxLineLength.ToString(CultureInfo.InvariantCulture)));
            await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            var p = PipelineProgressView.From(pipeline.Progress);

            // Each category against the feed as it was written.
            Assert.Equal(1000, p.InputRows);
            Assert.Equal(expected.Parsed, p.RowsParsed);
            Assert.Equal(expected.Blank, p.SkippedBlank);
            Assert.Equal(expected.Headers, p.SkippedHeader);
            Assert.Equal(expected.Codes, p.DeadLettersByCode.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            Assert.Equal(expected.Codes["too_many_symbols"], p.RowsRejected);
            Assert.Equal(0, p.LateRows);

            // The equation: every line in exactly one place (rows an operator turned away are parsed rows, and dead letters).
            Assert.Equal(p.InputRows, p.RowsParsed + p.DeadLettersByCode.Values.Sum() + p.SkippedBlank + p.SkippedHeader - p.RowsRejected);
            Assert.Equal(p.DeadLetters, p.DeadLettersByCode.Values.Sum());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task JunkFeed_WithoutOperatorRejections_LinesReadAreParsedPlusDeadLettersPlusSkipped()
    {
        var (feed, expected) = JunkFeed(1000, thirdSymbol: false);
        var path = Path.Combine(Path.GetTempPath(), $"reactive-junk-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, feed);
        try
        {
            await using var pipeline = await InProcessPipeline.StartAsync(
                "junk",
                TimeProvider.System,
                DefaultScheduler.Instance,
                ("Kind", "spread"),
                ("Source:Kind", "replay"),
                ("Source:Path", path),
                ("Source:AsFastAsPossible", "true"),
                ("Source:MaxLineLength", MaxLineLength.ToString(CultureInfo.InvariantCulture)));
            await pipeline.Completion.WaitAsync(TimeSpan.FromSeconds(30));
            var p = pipeline.Progress;

            Assert.Equal(0, p.RowsRejected);
            Assert.Equal(p.InputRows, p.RowsParsed + p.DeadLettersByCode.Values.Sum() + p.SkippedBlank + p.SkippedHeader);
            Assert.Equal((1000L, expected.Parsed), (p.InputRows, p.RowsParsed));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// <paramref name="lines"/> lines of quotes for ITT and IBM, one second apart, a header first; every 10th line is junk, in
    /// turn: a short row, a bad number, plain text, a blank line, spaces and a tab, the header again, a quote of a third
    /// symbol (when <paramref name="thirdSymbol"/>), a line too long for the source.
    /// </summary>
    private static (string Feed, Expected Expected) JunkFeed(int lines, bool thirdSymbol = true)
    {
        var text = new StringBuilder();
        var expected = new Expected();
        var time = new DateTime(2014, 3, 3, 9, 30, 0, DateTimeKind.Unspecified);
        text.Append(Header).Append('\n');
        expected.Headers++;
        for (var i = 2; i <= lines; i++)
        {
            time = time.AddMilliseconds(250);
            var stamp = time.ToString("MM/dd/yyyy,HH:mm:ss.fff", CultureInfo.InvariantCulture);
            var symbol = i % 2 == 0 ? "ITT" : "IBM";
            string line;
            if (i % 10 != 0)
            {
                line = $"{symbol},{stamp},43.16,Z,1,43.69,P,3";
                expected.Parsed++;
            }
            else
            {
                switch ((i / 10) % 8)
                {
                    case 0:
                        line = $"{symbol},{stamp},43.16,Z,1,43.69,P";
                        expected.Code("field_count");
                        break;
                    case 1:
                        line = $"{symbol},{stamp},4x.16,Z,1,43.69,P,3";
                        expected.Code("bad_number");
                        break;
                    case 2:
                        line = "hello, world";
                        expected.Code("field_count");
                        break;
                    case 3:
                        line = string.Empty;
                        expected.Blank++;
                        break;
                    case 4:
                        line = " \t ";
                        expected.Blank++;
                        break;
                    case 5:
                        line = Header.ToUpperInvariant();
                        expected.Headers++;
                        break;
                    case 6 when thirdSymbol:
                        line = $"ZZZ,{stamp},43.16,Z,1,43.69,P,3";
                        expected.Parsed++;
                        expected.Code("too_many_symbols");
                        break;
                    case 6:
                        line = $"{symbol},{stamp},43.16,Z,1,43.69,P,3";
                        expected.Parsed++;
                        break;
                    default:
                        line = $"{symbol},{stamp},43.16,Z,1,43.69,P,3," + new string('x', MaxLineLength);
                        expected.Code("line_too_long");
                        break;
                }
            }

            text.Append(line).Append(i % 3 == 0 ? "\r\n" : "\n");
        }

        return (text.ToString(), expected);
    }

    private sealed class Expected
    {
        private readonly SortedDictionary<string, long> _codes = new(StringComparer.Ordinal);

        public long Parsed { get; set; }

        public long Blank { get; set; }

        public long Headers { get; set; }

        public IReadOnlyDictionary<string, long> Codes => _codes;

        public void Code(string code) => _codes[code] = _codes.GetValueOrDefault(code) + 1;
    }
}
