using System.Globalization;
using System.Text;
using Reactive.Host.Cli;

namespace Reactive.Host.Tests.Cli;

/// <summary>
/// The standard output the commands and the service write: like <see cref="Console.Out"/> (each call flushed when it
/// returns, calls from several threads kept whole, no byte-order mark) but one <c>write</c> to the stream per call, where
/// the console's 256-byte buffer made one per 256 bytes.
/// </summary>
public sealed class StandardOutputTests
{
    [Fact]
    public void Write_OneSocketReadsRows_ReachTheStreamInOneWriteFlushedBeforeItReturns()
    {
        // 50 result lines of about 200 characters: what one socket read of a 100 k quotes/s feed hands the console.
        var text = string.Concat(Enumerable.Range(0, 50).Select(i => $"{{\"quote\":{i},\"symbol\":\"ITT\",\"spread\":0.010000000000001563,\"pad\":\"{new string('x', 120)}\"}}\n"));
        Assert.InRange(text.Length, 8_000, StandardOutput.BufferChars);
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, new UTF8Encoding(false));

        writer.Write(text.ToCharArray(), 0, text.Length);

        Assert.Equal([Encoding.UTF8.GetByteCount(text)], stream.Writes);
        Assert.Equal(text, Encoding.UTF8.GetString(stream.Flushed));
    }

    [Fact]
    public void Write_EachCall_IsFlushedWhenItReturns_AsTheConsolesIs()
    {
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, new UTF8Encoding(false));

        writer.WriteLine("first");
        Assert.Equal("first\n", Encoding.UTF8.GetString(stream.Flushed).ReplaceLineEndings("\n"));
        writer.Write('x');
        writer.Write("yz");
        Assert.Equal("first\nxyz", Encoding.UTF8.GetString(stream.Flushed).ReplaceLineEndings("\n"));
        Assert.Equal(3, stream.Writes.Count);
    }

    [Fact]
    public void Create_WithAnEncodingThatHasAPreamble_WritesNoByteOrderMark()
    {
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, Encoding.UTF8);
        Assert.NotEmpty(Encoding.UTF8.Preamble.ToArray());

        writer.Write("é");

        Assert.Equal(Encoding.UTF8.GetBytes("é"), stream.Flushed);
    }

    [Fact]
    public void Write_LongerThanTheBuffer_ArrivesWholeAndInOrder()
    {
        var text = string.Concat(Enumerable.Range(0, 40_000).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n"));
        Assert.True(text.Length > 2 * StandardOutput.BufferChars);
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, new UTF8Encoding(false));

        writer.Write(text.AsSpan());

        Assert.Equal(text, Encoding.UTF8.GetString(stream.Flushed));
        Assert.InRange(stream.Writes.Count, 2, 4);
    }

    [Fact]
    public void Write_FromSeveralThreads_EachCallsTextStaysWhole()
    {
        const int Threads = 4;
        const int PerThread = 2_000;
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, new UTF8Encoding(false));
        var threads = Enumerable.Range(0, Threads)
            .Select(t => new Thread(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    writer.Write($"{t}:{i}:{new string((char)('a' + t), 50)}\n");
                }
            }))
            .ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var lines = Encoding.UTF8.GetString(stream.Flushed).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Threads * PerThread, lines.Length);
        for (var t = 0; t < Threads; t++)
        {
            var prefix = $"{t}:";
            var mine = lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, PerThread).Select(i => $"{t}:{i}:{new string((char)('a' + t), 50)}"), mine);
        }
    }

    [Fact]
    public void Dispose_LeavesTheStreamOpen()
    {
        var stream = new RecordingStream();
        var writer = StandardOutput.Create(stream, new UTF8Encoding(false));
        writer.Write("a");

        writer.Dispose();

        Assert.False(stream.Disposed);
        Assert.Equal("a"u8.ToArray(), stream.Flushed);
    }

    /// <summary>A stream that records the size of each write and the bytes flushed so far.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly Lock _gate = new();
        private byte[] _flushed = [];

        public List<int> Writes { get; } = [];

        public bool Disposed { get; private set; }

        public byte[] Flushed
        {
            get
            {
                lock (_gate)
                {
                    return _flushed;
                }
            }
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            lock (_gate)
            {
                _flushed = _written.ToArray();
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_gate)
            {
                Writes.Add(buffer.Length);
                _written.Write(buffer);
            }
        }
    }
}
