using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class Utf8LineReaderTests
{
    private static List<(long Number, string Text)> ReadAll(byte[] bytes, int maxLineLength = Utf8LineReader.DefaultMaxLineLength, List<long>? tooLong = null)
    {
        var lines = new List<(long, string)>();
        Utf8LineReader.ForEachLine(
            new MemoryStream(bytes),
            (line, n) => lines.Add((n, Encoding.UTF8.GetString(line))),
            (_, n) => tooLong?.Add(n),
            maxLineLength);
        return lines;
    }

    [Fact]
    public void ForEachLine_MixedEndingsBomAndNoFinalNewline_YieldsEachLine()
    {
        byte[] bytes = [.. "\uFEFF"u8, .. "a,b\r\nc\n\nd\r\nlast"u8];

        var lines = ReadAll(bytes);

        Assert.Equal([(1L, "a,b"), (2L, "c"), (3L, ""), (4L, "d"), (5L, "last")], lines);
    }

    [Fact]
    public void ForEachLine_LinesAcrossManyBufferRefills_AreWhole()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            text.Append("line number ").Append(i).Append(new string('x', i % 50)).Append("\r\n");
        }

        var lines = ReadAll(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.Equal(20_000, lines.Count);
        for (int i = 0; i < 20_000; i += 997)
        {
            Assert.Equal($"line number {i}{new string('x', i % 50)}", lines[i].Text);
            Assert.Equal(i + 1, lines[i].Number);
        }
    }

    [Fact]
    public void ForEachLine_LineLongerThanBound_IsReportedAndTheNextLineSurvives()
    {
        var tooLong = new List<long>();
        byte[] bytes = Encoding.UTF8.GetBytes("short\n" + new string('y', 200_000) + "\nafter\n");

        var lines = ReadAll(bytes, maxLineLength: 1000, tooLong);

        Assert.Equal([(1L, "short"), (3L, "after")], lines);
        Assert.Equal([2L], tooLong);
    }

    [Fact]
    public void ForEachLine_TooLongWithoutHandler_ThrowsNamingTheOption()
    {
        byte[] bytes = Encoding.UTF8.GetBytes(new string('y', 5000) + "\n");
        var e = Assert.Throws<InvalidDataException>(() => Utf8LineReader.ForEachLine(new MemoryStream(bytes), (_, _) => { }, null, 100));
        Assert.Contains("maxLineLength", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForEachLine_StreamGivingOneByteAtATime_SplitsCrLfAcrossReads()
    {
        var lines = new List<string>();
        Utf8LineReader.ForEachLine(new TrickleStream("\uFEFFab\r\n\r\ncd\r\né\n"u8.ToArray()), (line, _) => lines.Add(Encoding.UTF8.GetString(line)));

        Assert.Equal(["ab", "", "cd", "é"], lines);
    }

    [Fact]
    public void TryReadLine_ReturnsMemoryOfEachLine()
    {
        using var reader = new Utf8LineReader(new MemoryStream("x\ny"u8.ToArray()));
        Assert.True(reader.TryReadLine(out var first));
        Assert.Equal("x", Encoding.UTF8.GetString(first.Span));
        Assert.True(reader.TryReadLine(out var second));
        Assert.Equal("y", Encoding.UTF8.GetString(second.Span));
        Assert.False(reader.TryReadLine(out _));
        Assert.Equal(2, reader.LineNumber);
    }

    [Fact]
    public void ParseStream_CountsParsedSkippedAndDeadLetters()
    {
        byte[] bytes = "date,hour,hoep\n2017-01-01,1,0.0\n\n2017-01-01,25,1.0\n2017-01-01,2,1.5\n"u8.ToArray();
        var rows = new List<HourlyPrice>();
        var letters = new List<Reactive.Operators.DeadLetters.DeadLetter>();

        var counts = LineParsing.ParseStream(new MemoryStream(bytes), new HourlyPriceParser(), "u.csv", rows.Add, letters.Add);

        Assert.Equal(new ParseCounts(5, 2, 2, 1), counts);
        var letter = Assert.Single(letters);
        Assert.Equal(("u.csv", 4L, "bad_hour", "2017-01-01,25,1.0"), (letter.Source, letter.LineNumber, letter.Code, letter.Raw));
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(7, 50)]
    [InlineData(4096, 50)]
    [InlineData(1 << 20, 50)]
    [InlineData(4096, 150)]
    [InlineData(1 << 20, 100_000)]
    public void ForEachLine_StructHandlerAndTryReadLine_GiveTheWrittenLines_ForAnyReadSizeAndBound(int readSize, int bound)
    {
        // Random lines (LF, CRLF, empty, some longer than a small bound, no final newline), with the expected lines
        // written down as they are generated; read two ways: the struct-handler loop (whole lines straight off the
        // buffer, refills through ReadLine) and TryReadLine, one line per call. A bound of 50 or 150 is below the
        // pooled buffer's size (64, 256), so lines longer than the bound are also met whole inside the buffer.
        var random = new Random(41);
        var text = new StringBuilder("\uFEFF");
        var expected = new List<(long, string, bool)>();
        for (int i = 0; i < 3_000; i++)
        {
            int length = random.Next(10) == 0 ? random.Next(60, 400) : random.Next(0, 40);
            var line = new string((char)('a' + (i % 26)), length);
            text.Append(line).Append(random.Next(3) == 0 ? "\r\n" : "\n");
            expected.Add((i + 1, length > bound ? line[..bound] : line, length > bound));
        }

        text.Append("tail");
        expected.Add((3_001, "tail", false));
        byte[] bytes = Encoding.UTF8.GetBytes(text.ToString());

        var handler = new RecordingHandler { Lines = [] };
        long count = Utf8LineReader.ForEachLine(new ChunkStream(bytes, readSize), ref handler, bound);

        Assert.Equal(expected, handler.Lines);
        Assert.Equal(3_001, count);
        Assert.Equal(expected.Count(l => l.Item3), handler.TooLong); // the handler's own state comes back through ref
        if (bound < 400)
        {
            Assert.InRange(handler.TooLong, 100, 600); // the case does meet lines over the bound
        }

        var read = new List<(long, string, bool)>();
        using var reader = new Utf8LineReader(new ChunkStream(bytes, readSize), bound);
        while (reader.TryReadLine(out var memory))
        {
            read.Add((reader.LineNumber, Encoding.UTF8.GetString(memory.Span), reader.LastLineTooLong));
        }

        Assert.Equal(expected, read);
    }

    [Fact]
    public void ForEachLine_LineLongerThanTheBoundButInsideTheBuffer_IsCutAndReported()
    {
        // A bound of 100 rents a 128-byte buffer: a 110-byte line arrives whole, and is still too long.
        var tooLong = new List<(long, int)>();
        var lines = new List<string>();
        byte[] bytes = Encoding.UTF8.GetBytes("short\n" + new string('y', 110) + "\r\nafter");

        Utf8LineReader.ForEachLine(new MemoryStream(bytes), (line, _) => lines.Add(Encoding.UTF8.GetString(line)), (line, n) => tooLong.Add((n, line.Length)), 100);

        Assert.Equal(["short", "after"], lines);
        Assert.Equal([(2L, 100)], tooLong);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParseStream_CancelledByTheConsumer_StopsBeforeTheNextLine(bool oneByteAtATime)
    {
        // Whole lines in the buffer take the inner loop; a stream giving one byte at a time sends each through ReadLine.
        byte[] bytes = "date,hour,hoep\n2017-01-01,1,1\n2017-01-01,2,2\n2017-01-01,3,3\n2017-01-01,4,4\n"u8.ToArray();
        using var stop = new CancellationTokenSource();
        var rows = new List<int>();

        var counts = LineParsing.ParseStream(
            oneByteAtATime ? new TrickleStream(bytes) : new MemoryStream(bytes),
            new HourlyPriceParser(),
            "u.csv",
            p =>
            {
                rows.Add(p.Hour);
                if (p.Hour == 2)
                {
                    stop.Cancel();
                }
            },
            _ => { },
            cancellationToken: stop.Token);

        Assert.Equal([1, 2], rows);
        Assert.Equal(new ParseCounts(3, 2, 1, 0), counts);
    }

    private struct RecordingHandler : IUtf8LineHandler
    {
        public List<(long, string, bool)> Lines;
        public int TooLong;

        public readonly void OnLine(ReadOnlySpan<byte> line, long lineNumber) => Lines.Add((lineNumber, Encoding.UTF8.GetString(line), false));

        public void OnLineTooLong(ReadOnlySpan<byte> line, long lineNumber)
        {
            TooLong++;
            Lines.Add((lineNumber, Encoding.UTF8.GetString(line), true));
        }
    }

    // Hands out at most chunk bytes per Read.
    private sealed class ChunkStream(byte[] data, int chunk) : MemoryStream(data, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
    }

    private sealed class TrickleStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == data.Length || count == 0)
            {
                return 0;
            }

            buffer[offset] = data[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
