using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using Reactive.Sources.Replay;

namespace Reactive.Sources.Tests.Replay;

/// <summary><see cref="SourceLine.Offset"/> of a replay, and resuming at it (<see cref="FileReplayOptions.ResumeAtByte"/>).</summary>
public sealed class FileReplayResumeTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"replay-resume-{Guid.NewGuid():N}.txt");

    public void Dispose() => File.Delete(_path);

    /// <summary>
    /// Writes the pieces (a line's text with its terminator, or a BOM) and returns the lines expected, their offsets
    /// summed from the bytes written; a piece whose text is longer than <paramref name="maxLineLength"/> is expected to be rejected.
    /// </summary>
    private List<SourceLine> Write(int maxLineLength, params (string Text, string Terminator)[] lines) => Write(maxLineLength, false, lines);

    private List<SourceLine> Write(int maxLineLength, bool bom, params (string Text, string Terminator)[] lines)
    {
        var bytes = new List<byte>();
        if (bom)
        {
            bytes.AddRange(Bom);
        }

        var expected = new List<SourceLine>();
        for (int i = 0; i < lines.Length; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes(lines[i].Text));
            bytes.AddRange(Encoding.UTF8.GetBytes(lines[i].Terminator));
            if (lines[i].Text.Length <= maxLineLength)
            {
                expected.Add(new SourceLine(_path, i + 1, lines[i].Text) { Offset = bytes.Count });
            }
        }

        File.WriteAllBytes(_path, [.. bytes]);
        return expected;
    }

    private static (List<SourceLine> Lines, Notification<SourceLine> End) Run(FileReplaySource source, HistoricalScheduler scheduler)
    {
        var lines = new List<SourceLine>();
        Notification<SourceLine>? end = null;
        using var _ = source.ReadLines().Materialize().Subscribe(n =>
        {
            if (n.Kind == NotificationKind.OnNext)
            {
                lines.Add(n.Value);
            }
            else
            {
                end = n;
            }
        });
        scheduler.Start();
        return (lines, end!);
    }

    private List<SourceLine> Replay(FileReplayOptions options)
    {
        var scheduler = new HistoricalScheduler(Start);
        var (lines, end) = Run(new FileReplaySource(_path, options, scheduler), scheduler);
        Assert.Equal(NotificationKind.OnCompleted, end.Kind);
        return lines;
    }

    private static FileReplayOptions Fast(int maxLineLength = FileReplayOptions.DefaultMaxLineLength, long atByte = 0, long atLine = 0) =>
        new() { AsFastAsPossible = true, MaxLineLength = maxLineLength, ResumeAtByte = atByte, ResumeAtLine = atLine };

    [Fact]
    public void Offset_Lf_IsPastEachTerminator() =>
        Assert.Equal(Write(100, ("a", "\n"), ("bb", "\n"), (string.Empty, "\n"), ("ccc", "\n")), Replay(Fast()));

    [Fact]
    public void Offset_Crlf_CountsTheCr() =>
        Assert.Equal(Write(100, ("a", "\r\n"), ("bb", "\r\n"), (string.Empty, "\r\n"), ("ccc", "\n")), Replay(Fast()));

    [Fact]
    public void Offset_Bom_CountsTheBomBytes()
    {
        var expected = Write(100, bom: true, ("x,y", "\r\n"), ("1,2", "\n"));

        Assert.Equal(3 + 5, expected[0].Offset);
        Assert.Equal(expected, Replay(Fast()));
    }

    [Fact]
    public void Offset_MultibyteUtf8_CountsBytesNotCharacters()
    {
        var expected = Write(100, ("café", "\n"), ("€ 5", "\r\n"), ("😀😀", "\n"), ("Ωmega", "\n"));

        Assert.Equal(6, expected[0].Offset);
        Assert.Equal(expected, Replay(Fast()));
    }

    [Fact]
    public void Offset_NoTrailingNewline_IsTheFileLength()
    {
        var expected = Write(100, ("a", "\n"), ("last é", string.Empty));

        Assert.Equal(new FileInfo(_path).Length, expected[^1].Offset);
        Assert.Equal(expected, Replay(Fast()));
    }

    [Fact]
    public void Offset_OverLongLinesRejected_LaterLinesStillExact()
    {
        // 70,000 '€' (210,000 bytes) spans several reads of the file; the short over-long line ends in CRLF.
        var expected = Write(1000, ("before", "\n"), (new string('€', 70_000), "\n"), ("mid ü", "\r\n"), (new string('x', 1001), "\r\n"), ("after", string.Empty));

        Assert.Equal(["before", "mid ü", "after"], expected.Select(l => l.Text));
        Assert.Equal(expected, Replay(Fast(maxLineLength: 1000)));
    }

    [Fact]
    public void Offset_LongLineAcrossReadBuffers_Exact() =>
        Assert.Equal(Write(FileReplayOptions.DefaultMaxLineLength, ("é€😀" + new string('é', 100_000), "\r\n"), ("b", "\n")), Replay(Fast()));

    [Fact]
    public void Replay_Utf16File_EndsWithAClearError()
    {
        File.WriteAllText(_path, "a\nb\n", Encoding.Unicode);
        var scheduler = new HistoricalScheduler(Start);

        var (lines, end) = Run(new FileReplaySource(_path, Fast(), scheduler), scheduler);

        Assert.Empty(lines);
        Assert.Contains("UTF-16", Assert.IsType<InvalidDataException>(end.Exception).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeAtByte_EveryLineBoundary_GivesTheUninterruptedTail()
    {
        var expected = Write(
            20,
            bom: true,
            ("Symbol,Price", "\r\n"),
            ("café,1", "\n"),
            (string.Empty, "\n"),
            (new string('€', 30), "\r\n"),
            ("😀,2", "\r\n"),
            ("\uFEFFzero-width", "\n"),
            ("last", string.Empty));
        var whole = Replay(Fast(maxLineLength: 20));
        Assert.Equal(expected, whole);

        for (int k = 0; k < whole.Count; k++)
        {
            var resumed = Replay(Fast(20, whole[k].Offset, whole[k].LineNumber));
            Assert.Equal(whole.Skip(k + 1), resumed);
        }
    }

    [Fact]
    public void ResumeAtByte_WithResumeAfterLine_SkipsByTheLineNumbersCountedFromResumeAtLine()
    {
        var whole = Write(100, ("1", "\n"), ("2", "\n"), ("3", "\n"), ("4", "\n"), ("5", "\n"));

        var options = Fast(100, whole[0].Offset, 1);
        options.ResumeAfterLine = 3;

        Assert.Equal(whole.Skip(3), Replay(options));
    }

    [Fact]
    public void ResumeAtByte_AtTheEnd_Completes_PastTheEnd_ErrorNamesOptionAndFile()
    {
        Write(100, ("a", "\n"), ("b", "\n"));
        long length = new FileInfo(_path).Length;

        Assert.Empty(Replay(Fast(100, length, 2)));

        var scheduler = new HistoricalScheduler(Start);
        var (lines, end) = Run(new FileReplaySource(_path, Fast(100, length + 1, 3), scheduler), scheduler);
        Assert.Empty(lines);
        var error = Assert.IsType<ArgumentOutOfRangeException>(end.Exception);
        Assert.Equal("ResumeAtByte", error.ParamName);
        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 0, "ResumeAtByte")]
    [InlineData(0, -1, "ResumeAtLine")]
    [InlineData(10, 0, "ResumeAtLine")]
    [InlineData(0, 3, "ResumeAtByte")]
    public void Validate_BadResumePosition_NamesTheOption(long atByte, long atLine, string name)
    {
        var error = Assert.Throws<ArgumentException>(() => Fast(100, atByte, atLine).Validate());
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void ResumeAtByte_Paced_FirstLineAtOnceThenRelativeToIt()
    {
        const string Header = "date,hour,hoep";
        var expected = Write(
            100,
            (Header, "\n"),
            ("2017-01-01,1,1.0", "\n"),
            ("2017-01-01,2,2.0", "\n"),
            ("2017-01-01,5,3.0", "\n"),
            ("2017-01-01,6,4.0", "\n"),
            ("2017-01-01,8,5.0", "\n"));
        var paced = new FileReplayOptions { Speed = 3600, TimeOf = LineTimes.HourlyPrice, ResumeAtByte = expected[2].Offset, ResumeAtLine = 3 };
        var scheduler = new HistoricalScheduler(Start);
        var times = new List<(TimeSpan At, SourceLine Line)>();

        using (new FileReplaySource(_path, paced, scheduler).ReadLines().Subscribe(line => times.Add((scheduler.Now - Start, line))))
        {
            scheduler.Start();
        }

        // Hours 5, 6, 8 at 3600×: seconds 0 (not the 3 s since hour 2, nor the 4 s since hour 1), 1, 3.
        Assert.Equal(expected.Skip(3), times.Select(t => t.Line));
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)], times.Select(t => t.At));
    }
}
