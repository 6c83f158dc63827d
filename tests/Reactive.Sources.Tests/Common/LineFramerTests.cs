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

    [Fact]
    public void Feed_WholeLinesInOneFeed_GoOutAsBytes_WithTheTextNumbersAndOffsetsOfTheCharacterPath()
    {
        // A mixture the character path handles one character at a time: BOM, CRLF, a lone CR, multi-byte and cut
        // characters, invalid bytes, blank lines, a line of exactly the limit (10), one a byte over it with its CR,
        // one over it in bytes but not in characters (é is 2 bytes), one far over it.
        byte[] bytes =
        [
            0xEF, 0xBB, 0xBF, .. "first\r\n"u8, .. "a\rb\n"u8, .. "\n\r\n"u8, .. "€😀\n"u8, 0xE2, 0x82, (byte)'\n', 0xFF, .. "x\n"u8,
            .. "0123456789\n"u8, .. "0123456789\r\n"u8, .. "0123456789a\r\n"u8, .. "éééééé\n"u8, .. Encoding.UTF8.GetBytes(new string('z', 40) + "\n"),
            .. "last"u8,
        ];

        var oneByOne = new RecordingSink();
        using (var framer = new LineFramer(10))
        {
            foreach (var b in bytes)
            {
                framer.Feed([b], oneByOne);
            }

            framer.Complete(oneByOne);
        }

        var whole = new RecordingSink();
        using (var framer = new LineFramer(10))
        {
            // The first line (BOM) takes the character path; from there every whole line within the limit is bytes.
            var firstLine = Array.IndexOf(bytes, (byte)'\n') + 1;
            framer.Feed(bytes.AsSpan(0, firstLine), whole);
            framer.Feed(bytes.AsSpan(firstLine), whole);
            framer.Complete(whole);
        }

        Assert.Equal(oneByOne.Lines, whole.Lines);
        Assert.Equal(oneByOne.Offsets, whole.Offsets);
        Assert.Equal(oneByOne.TooLong, whole.TooLong);
        Assert.Equal(1, oneByOne.ByteLines); // fed one byte at a time, only the blank line 3 ("\n") arrives whole
        Assert.Equal(["1:first", "2:a\rb", "3:", "4:", "5:€😀", "6:\uFFFD", "7:\uFFFDx", "8:0123456789", "9:0123456789", "11:éééééé", "13:last"], whole.Lines);
        Assert.Equal(["10:0123456789a", "12:" + new string('z', 40)], whole.TooLong);

        // Lines 2 to 9 came whole in the second feed, within the limit in bytes; 10 to 13 did not (over the limit in
        // bytes, or without a terminator): 8 lines as bytes.
        Assert.Equal(8, whole.ByteLines);
    }

    private sealed class RecordingSink : ILineSink
    {
        public int ByteLines { get; private set; }

        public void OnLine(long lineNumber, ReadOnlySpan<byte> utf8, long offset)
        {
            ByteLines++;
            OnLine(lineNumber, Encoding.UTF8.GetString(utf8), offset);
        }

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
