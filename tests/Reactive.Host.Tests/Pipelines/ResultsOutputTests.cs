using System.Globalization;
using System.Text;
using Reactive.Host.Pipelines;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>The console's results writer: its own thread writes what is queued in order, one write and one flush per drain.</summary>
public sealed class ResultsOutputTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public void Write_FromSeveralThreads_EveryTextOnceAndEachThreadsInOrder()
    {
        const int Threads = 4;
        const int PerThread = 5_000;
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var output = new ResultsOutput(text);
        var writers = Enumerable.Range(0, Threads)
            .Select(t => new Thread(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    output.Write($"{t}:{i}\n");
                }
            }))
            .ToList();
        writers.ForEach(w => w.Start());
        writers.ForEach(w => w.Join());

        // Dispose writes what is still queued.
        output.Dispose();

        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Threads * PerThread, lines.Length);
        for (var t = 0; t < Threads; t++)
        {
            var prefix = $"{t}:";
            var mine = lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => int.Parse(l[prefix.Length..], CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, PerThread), mine);
        }
    }

    [Fact]
    public void Flush_AfterWrites_ReturnsOnceTheyAreWrittenAndFlushed()
    {
        var writer = new RecordingWriter();
        using var output = new ResultsOutput(writer);
        output.Write("a\n");
        output.Write("b\n");

        output.Flush();

        Assert.Equal("a\nb\n", writer.Flushed);
    }

    [Fact]
    public void Write_WhileAWriteIsInProgress_QueuedTextsGoOutInOneWriteAndOneFlush()
    {
        var writer = new RecordingWriter { Hold = new ManualResetEventSlim() };
        using var output = new ResultsOutput(writer);
        output.Write("first\n");
        Assert.True(writer.Entered.Wait(Patience), "the output's thread never wrote the first text");

        // The thread is inside the first write: these queue up behind it.
        for (var i = 0; i < 100; i++)
        {
            output.Write($"row {i}\n");
        }

        writer.Hold.Set();
        output.Flush();

        Assert.Equal("first\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"row {i}\n")), writer.Flushed);
        Assert.Equal(2, writer.Writes);
        Assert.Equal(2, writer.Flushes);
    }

    [Fact]
    public void Write_PastTheCapacityWhileTheThreadWrites_WaitsForTheDrainThenEverythingGoesOutInOrder()
    {
        var writer = new RecordingWriter { Hold = new ManualResetEventSlim() };
        using var output = new ResultsOutput(writer);
        output.Write("first\n");
        Assert.True(writer.Entered.Wait(Patience), "the output's thread never wrote the first text");

        // The thread is held inside its first write: a queue filled to the capacity, then one more character, waits.
        var line = new string('x', 1023) + "\n";
        var lines = ResultsOutput.Capacity / line.Length;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < lines; i++)
            {
                output.Write(line.AsSpan());
            }

            output.Write("last\n".AsSpan());
        });
        producer.Start();
        var deadline = TimeProvider.System.GetTimestamp() + (long)(Patience.TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (output.WaitingWriters == 0)
        {
            Assert.True(TimeProvider.System.GetTimestamp() < deadline, "the producer never waited for room");
            Thread.Sleep(1);
        }

        Assert.True(producer.IsAlive, "the queue took more than its capacity while nothing was drained");

        writer.Hold.Set();
        Assert.True(producer.Join(Patience), "the producer was not let go after the drain");
        output.Flush();

        Assert.Equal("first\n" + string.Concat(Enumerable.Repeat(line, lines)) + "last\n", writer.Flushed);
    }

    [Fact]
    public void Write_ATextLongerThanTheCapacity_GoesOutWhole()
    {
        var writer = new RecordingWriter();
        using var output = new ResultsOutput(writer);
        var text = string.Concat(Enumerable.Range(0, (ResultsOutput.Capacity / 8) + 1).Select(i => $"{i % 10_000_000,7}\n"));
        Assert.True(text.Length > ResultsOutput.Capacity);

        output.Write("before\n");
        output.Write(text);
        output.Write("after\n");
        output.Flush();

        Assert.Equal("before\n" + text + "after\n", writer.Flushed);
    }

    [Fact]
    public async Task Flush_AfterAnEmptyText_Returns()
    {
        // A micro-batch without rows writes an empty text: Flush must not wait for a drain that has nothing to write.
        var writer = new RecordingWriter();
        using var output = new ResultsOutput(writer);
        output.Write("a\n");
        output.Write("");
        output.WriteNowIfIdle("");

        // Times out (TimeoutException) if Flush waits for the empty text.
        await Task.Run(output.Flush).WaitAsync(Patience, TimeProvider.System);
        Assert.Equal("a\n", writer.Flushed);
    }

    [Fact]
    public void WriteNowIfIdle_NothingQueued_WritesAndFlushesOnTheCallingThread()
    {
        var writer = new RecordingWriter();
        using var output = new ResultsOutput(writer);

        output.WriteNowIfIdle("now\n");

        // Returned after the write and its flush, made by this thread (the output's thread never started).
        Assert.Equal("now\n", writer.Flushed);
        Assert.Equal(Environment.CurrentManagedThreadId, writer.LastWriterThread);
    }

    [Fact]
    public void WriteNowIfIdle_WhileTheThreadWrites_QueuesBehindWhatIsQueued()
    {
        var writer = new RecordingWriter { Hold = new ManualResetEventSlim() };
        using var output = new ResultsOutput(writer);
        output.Write("first\n");
        Assert.True(writer.Entered.Wait(Patience), "the output's thread never wrote the first text");
        output.Write("second\n");

        // The thread is busy: this goes into the queue (the call returns without writing) and out after "second".
        output.WriteNowIfIdle("third\n");
        writer.Hold.Set();
        output.Flush();

        Assert.Equal("first\nsecond\nthird\n", writer.Flushed);
        Assert.NotEqual(Environment.CurrentManagedThreadId, writer.LastWriterThread);
    }

    // A closed pipe's IOException, or anything else the writer throws: either is the output's failure, wrapped in an
    // IOException that carries it; a non-IO one once left WriteNowIfIdle's flag set, or ended the process from the thread.
    public static TheoryData<Exception> WriterFailures => [new IOException("Broken pipe"), new InvalidOperationException("writer in a bad state")];

    [Theory]
    [MemberData(nameof(WriterFailures))]
    public void WriteNowIfIdle_TheWriteFails_ThrowsAndLaterWritesThrowToo(Exception failure)
    {
        var writer = new RecordingWriter { Failure = failure };
        using var output = new ResultsOutput(writer);

        var error = Assert.Throws<IOException>(() => output.WriteNowIfIdle("lost\n"));
        Assert.Contains(failure.Message, error.Message, StringComparison.Ordinal);
        Assert.Same(failure, error.InnerException);
        Assert.Contains(failure.Message, Assert.Throws<IOException>(() => output.Write("next\n")).Message, StringComparison.Ordinal);
        output.Flush();
    }

    [Theory]
    [MemberData(nameof(WriterFailures))]
    public void Write_AfterTheWriterFailed_ThrowsIOExceptionWithItsReason(Exception failure)
    {
        var writer = new RecordingWriter { Failure = failure };
        using var output = new ResultsOutput(writer);
        output.Write("lost\n");

        // Flush returns when the thread gave up on the failed write (it does not die with the exception).
        output.Flush();

        var error = Assert.Throws<IOException>(() => output.Write("next\n"));
        Assert.Contains(failure.Message, error.Message, StringComparison.Ordinal);
        Assert.Same(failure, error.InnerException);
    }

    [Fact]
    public void Write_AfterDispose_IsWrittenAtOnceAfterWhatWasQueued()
    {
        var writer = new RecordingWriter();
        var output = new ResultsOutput(writer);
        output.Write("queued\n");
        output.Dispose();

        output.Write("late\n");

        Assert.Equal("queued\nlate\n", writer.Flushed);
    }

    /// <summary>Records what was written and what was flushed; can hold its first write, or fail.</summary>
    private sealed class RecordingWriter : TextWriter
    {
        private readonly StringBuilder _written = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim? Hold { get; init; }

        public Exception? Failure { get; init; }

        public string Flushed { get; private set; } = "";

        public int Writes { get; private set; }

        public int Flushes { get; private set; }

        public int LastWriterThread { get; private set; }

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char[] buffer, int index, int count)
        {
            Entered.Set();
            if (Failure is { } failure)
            {
                throw failure;
            }

            if (Writes == 0 && Hold is { } hold && !hold.Wait(Patience))
            {
                throw new TimeoutException("the test never released the first write");
            }

            _written.Append(buffer, index, count);
            Writes++;
            LastWriterThread = Environment.CurrentManagedThreadId;
        }

        public override void Write(string? value) => Write((value ?? "").ToCharArray(), 0, value?.Length ?? 0);

        public override void Flush()
        {
            Flushed = _written.ToString();
            Flushes++;
        }

        protected override void Dispose(bool disposing)
        {
            Entered.Dispose();
            base.Dispose(disposing);
        }
    }
}
