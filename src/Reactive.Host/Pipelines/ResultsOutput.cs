namespace Reactive.Host.Pipelines;

/// <summary>
/// Where console results go (standard output; logs go to standard error). Pipelines queue text and go on; a thread of its
/// own takes everything queued, writes it in the order it was queued and flushes once per drain: a burst of rows costs one
/// write to the pipe instead of one per row, and a row waits at most for the drain in progress. The queue is bounded: a
/// reader that does not keep up holds the pipelines back, as a blocking write did. Texts are copied into a buffer of
/// characters that the thread swaps for an empty one at each drain: queueing a row's line allocates nothing (a per-row kind
/// hands it over as a span of the tracker's own buffer).
/// </summary>
internal sealed class ResultsOutput : IDisposable
{
    /// <summary>The characters queued at most before writers wait (about 5,000 result lines); a longer text still goes, alone.</summary>
    internal const int Capacity = 1024 * 1024;

    // The most characters handed to the writer in one call; a longer drain goes out in several.
    private const int ChunkChars = 64 * 1024;

    private readonly TextWriter _writer;

    // A monitor (not System.Threading.Lock, which cannot wait): the thread waits on it for text, writers for room,
    // Flush for the drain that covers its texts.
    private readonly object _gate = new();

    // Texts queued, in order (the first _length characters); the thread swaps it with _spare and writes it outside the lock.
    private char[] _pending = new char[ChunkChars];
    private char[] _spare = new char[ChunkChars];
    private int _length;
    private Thread? _thread;
    private long _queued;
    private long _written;
    private bool _closed;
    private Exception? _failure;
    private int _waiting;

    // Whether the thread is writing a drained buffer, or a caller of WriteNowIfIdle its own text, outside the lock.
    private bool _draining;
    private bool _direct;

    /// <summary>Creates the output; its thread starts with the first text.</summary>
    /// <param name="writer">Standard output (or a test's writer).</param>
    public ResultsOutput(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>Writers waiting for room in the queue (for tests).</summary>
    internal int WaitingWriters
    {
        get
        {
            lock (_gate)
            {
                return _waiting;
            }
        }
    }

    /// <summary>Queues <paramref name="text"/> after everything queued before it; waits while the queue is full.</summary>
    /// <exception cref="IOException">An earlier write failed (standard output closed): the pipeline fails, as it did when it wrote itself.</exception>
    public void Write(string text) => Write(text.AsSpan());

    /// <summary>Copies <paramref name="text"/> into the queue after everything queued before it; waits while the queue is full.</summary>
    /// <exception cref="IOException">An earlier write failed (standard output closed): the pipeline fails, as it did when it wrote itself.</exception>
    public void Write(ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            if (text.IsEmpty)
            {
                // Nothing to write (a batch without rows): counted, it would be a text no drain ever covers, and Flush would wait for it.
                return;
            }

            if (_closed)
            {
                // Stopped (the host is going away): the thread wrote everything queued, so this still comes after it.
                _writer.Write(text);
                _writer.Flush();
                return;
            }

            _thread ??= Start();
            while (_length > 0 && _length + text.Length > Capacity)
            {
                _waiting++;
                try
                {
                    Monitor.Wait(_gate);
                }
                finally
                {
                    _waiting--;
                }

                ThrowIfFailed();
            }

            if (_length + text.Length > _pending.Length)
            {
                Array.Resize(ref _pending, Math.Max(_length + text.Length, Math.Min(Capacity, _pending.Length * 2)));
            }

            text.CopyTo(_pending.AsSpan(_length));
            _length += text.Length;
            _queued++;
            if (_length == text.Length)
            {
                // The thread waits only when the queue is empty.
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="text"/> and flushes on the calling thread when nothing is queued or being written (no thread
    /// wakes up for it: a pipeline that gathered one socket read's rows hands them over this way); otherwise queues it
    /// like <see cref="Write(ReadOnlySpan{char})"/>. Texts written meanwhile by other threads queue behind it.
    /// </summary>
    /// <exception cref="IOException">This or an earlier write failed (standard output closed).</exception>
    public void WriteNowIfIdle(ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            if (text.IsEmpty)
            {
                return;
            }

            if (_closed || _length > 0 || _draining || _direct)
            {
                Write(text);
                return;
            }

            _direct = true;
            _queued++;
        }

        Exception? failure = null;
        try
        {
            _writer.Write(text);
            _writer.Flush();
        }
        catch (Exception ex)
        {
            // Any failure of the writer (not only a closed pipe's IOException): _direct must not stay set, or the thread
            // would wait for this write for ever and every later text with it.
            failure = ex;
        }

        lock (_gate)
        {
            _direct = false;
            if (failure is null)
            {
                _written++;
            }
            else
            {
                _failure ??= failure;
                _length = 0;
            }

            // The thread may have text queued behind this write, Flush may wait for it.
            Monitor.PulseAll(_gate);
            ThrowIfFailed();
        }
    }

    /// <summary>Returns once every text queued before the call is written and flushed (or the writer failed).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            var target = _queued;
            while (_written < target && _failure is null && !(_closed && _thread is null))
            {
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Writes what is queued, stops the thread; later texts are written at once.</summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            _closed = true;
            thread = _thread;
            Monitor.PulseAll(_gate);
        }

        thread?.Join();
        lock (_gate)
        {
            _thread = null;
            Monitor.PulseAll(_gate);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new IOException($"Writing results to standard output failed: {failure.Message}", failure);
        }
    }

    private Thread Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "results-output" };
        thread.Start();
        return thread;
    }

    private void Run()
    {
        while (true)
        {
            char[] drained;
            int length;
            long queued;
            lock (_gate)
            {
                while ((_length == 0 && !_closed) || _direct)
                {
                    Monitor.Wait(_gate);
                }

                if (_length == 0)
                {
                    return;
                }

                (drained, length, queued) = (_pending, _length, _queued);
                (_pending, _spare, _length) = (_spare, drained, 0);
                _draining = true;

                // Writers waiting for room go on (and the buffer a burst grew is kept for the next one).
                Monitor.PulseAll(_gate);
            }

            try
            {
                for (var offset = 0; offset < length; offset += ChunkChars)
                {
                    _writer.Write(drained, offset, Math.Min(ChunkChars, length - offset));
                }

                _writer.Flush();
            }
            catch (Exception ex)
            {
                // What is queued cannot be written either; the pipelines' next write fails with this. Any exception: one
                // left unhandled on this thread would end the process.
                lock (_gate)
                {
                    _failure = ex;
                    _length = 0;
                    _draining = false;
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            lock (_gate)
            {
                _written = queued;
                _draining = false;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
