using System.Text;

namespace Reactive.Sources.Tests.Common;

public sealed class LineFramerTests
{
    [Fact]
    public void Feed_ByteByByte_ReassemblesLines()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        foreach (var b in Encoding.UTF8.GetBytes("hello\nworld\n"))
        {
            framer.Feed([b], sink);
        }

        Assert.Equal(["1:hello", "2:world"], sink.Lines);
        Assert.Empty(sink.TooLong);
    }

    [Fact]
    public void Feed_AnySplit_OffsetIsPastEachTerminatorInBytes()
    {
        // BOM, CRLF, 2-, 3- and 4-byte characters, a cut character (0xE2 0x82) before an LF, no final terminator.
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "é\r\n"u8, .. "€😀\n"u8, 0xE2, 0x82, .. "\nz"u8];
        long[] expected = [3 + 4, 3 + 4 + 8, 3 + 4 + 8 + 3, bytes.Length];
        for (int split = 1; split <= bytes.Length; split++)
        {
            var sink = new RecordingSink();
            using var framer = new LineFramer(100);
            for (int at = 0; at < bytes.Length; at += split)
            {
                framer.Feed(bytes.AsSpan(at, Math.Min(split, bytes.Length - at)), sink);
            }

            framer.Complete(sink);
            Assert.Equal(["1:é", "2:€😀", "3:\uFFFD", "4:z"], sink.Lines);
            Assert.Equal(expected, sink.Offsets);
            Assert.Equal(bytes.Length, framer.Position);
        }
    }

    [Fact]
    public void Feed_FromAnOffset_NumbersAndPlacesFromThereAndKeepsALeadingFeff()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100, startOffset: 40, linesBefore: 7);
        framer.Feed("\uFEFFa\nb"u8, sink);
        framer.Complete(sink);

        Assert.Equal(["8:\uFEFFa", "9:b"], sink.Lines);
        Assert.Equal([45L, 46L], sink.Offsets);
    }

    [Fact]
    public void Feed_CrLf_StripsOnlyTheCrBeforeLf()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed("a\r\nb\rc\r\n\r\nd"u8, sink);
        framer.Complete(sink);

        Assert.Equal(["1:a", "2:b\rc", "3:", "4:d"], sink.Lines);
    }

    [Fact]
    public void Feed_MultiByteCharactersSplitAtEveryByte_Survive()
    {
        // é = C3 A9, € = E2 82 AC, 😀 = F0 9F 98 80 (a surrogate pair in UTF-16).
        byte[] bytes = [(byte)'c', 0xC3, 0xA9, (byte)'\n', 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, (byte)'\n'];
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        foreach (var b in bytes)
        {
            framer.Feed([b], sink);
        }

        Assert.Equal(["1:c\u00E9", "2:\u20AC\uD83D\uDE00"], sink.Lines);
    }

    [Fact]
    public void Complete_PartialLastLine_IsEmittedWhenNotEmpty()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed("one\ntwo"u8, sink);
        framer.Complete(sink);

        Assert.Equal(["1:one", "2:two"], sink.Lines);
        Assert.Equal(2, framer.LineNumber);
    }

    [Fact]
    public void Complete_NothingPending_EmitsNothing()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed("one\n"u8, sink);
        framer.Complete(sink);

        Assert.Equal(["1:one"], sink.Lines);
    }

    [Fact]
    public void Feed_LeadingByteOrderMark_IsDropped()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed([0xEF, 0xBB], sink);
        framer.Feed([0xBF, (byte)'x', (byte)'\n'], sink);

        Assert.Equal(["1:x"], sink.Lines);
    }

    [Fact]
    public void Feed_InvalidUtf8_BecomesReplacementCharacter()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed([(byte)'a', 0xFF, (byte)'b', (byte)'\n'], sink);

        Assert.Equal(["1:a\uFFFDb"], sink.Lines);
    }

    [Fact]
    public void Feed_LineOfExactlyMaxLength_IsDelivered_AndOneMoreIsRejected()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(5);
        framer.Feed("12345\r\n123456\n12345\n"u8, sink);

        Assert.Equal(["1:12345", "3:12345"], sink.Lines);
        Assert.Equal(["2:123456"], sink.TooLong);
    }

    [Fact]
    public void Feed_OverLongLineInSmallChunks_KeepsFirst512CharsAndSkipsToItsEnd()
    {
        var longLine = string.Concat(Enumerable.Range(0, 300).Select(i => (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture) + "x"));
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        var bytes = Encoding.UTF8.GetBytes("first\n" + longLine + "\nafter\n");
        for (var i = 0; i < bytes.Length; i += 7)
        {
            framer.Feed(bytes.AsSpan(i, Math.Min(7, bytes.Length - i)), sink);
        }

        Assert.Equal(["1:first", "3:after"], sink.Lines);
        Assert.Equal(["2:" + longLine[..512]], sink.TooLong);
    }

    [Fact]
    public void Feed_OverLongLineShorterThanRawLimit_KeepsAllOfIt()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(3);
        framer.Feed("abcdefgh\r\nok\n"u8, sink);

        Assert.Equal(["2:ok"], sink.Lines);
        Assert.Equal(["1:abcdefgh"], sink.TooLong);
    }

    [Fact]
    public void Feed_HugeLine_DoesNotGrowTheBufferBeyondTheLimit()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(1000);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'z');
        for (var i = 0; i < 64; i++)
        {
            framer.Feed(chunk, sink); // 4 MiB, one line
        }

        framer.Feed("\nend\n"u8, sink);

        Assert.Equal(["2:end"], sink.Lines);
        Assert.Equal(["1:" + new string('z', 512)], sink.TooLong);
    }

    [Fact]
    public void TryTakePartialLine_UnfinishedLine_ReturnsItInsteadOfEmitting()
    {
        var sink = new RecordingSink();
        using var framer = new LineFramer(100);
        framer.Feed("done\nhalf"u8, sink);

        Assert.True(framer.TryTakePartialLine(sink, out var lineNumber, out var head));
        Assert.Equal(2, lineNumber);
        Assert.Equal("half", head);
        Assert.Equal(["1:done"], sink.Lines);
    }

    private sealed class RecordingSink : ILineSink
    {
        public List<string> Lines { get; } = [];

        public List<string> TooLong { get; } = [];

        public List<long> Offsets { get; } = [];

        public void OnLine(long lineNumber, string text, long offset)
        {
            Lines.Add($"{lineNumber}:{text}");
            Offsets.Add(offset);
        }

        public void OnLineTooLong(long lineNumber, string head) => TooLong.Add($"{lineNumber}:{head}");
    }
}
