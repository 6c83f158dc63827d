namespace Reactive.Host.Pipelines;

/// <summary>
/// Where console results go (standard output; logs go to standard error). Pipelines queue text and go on; a thread of its
/// own takes everything queued, writes it in the order it was queued and flushes once per drain: a burst of rows costs one
/// write to the pipe instead of one per row, and a row waits at most for the drain in progress. The queue is bounded: a
/// reader that does not keep up holds the pipelines back, as a blocking write did.
/// </summary>
internal sealed class ResultsOutput : IDisposable
{
    /// <summary>The texts queued at most (a per-row kind queues one per row).</summary>
    internal const int Capacity = 10_000;

    // The most characters handed to the writer in one call; a longer drain goes out in several.
    private const int ChunkChars = 64 * 1024;

    private readonly TextWriter _writer;
    private readonly Queue<string> _queue = new();

    // A monitor (not System.Threading.Lock, which cannot wait): the thread waits on it for text, writers for room,
    // Flush for the drain that covers its texts.
    private readonly object _gate = new();
    private Thread? _thread;
    private long _queued;
    private long _written;
    private bool _closed;
    private Exception? _failure;

    /// <summary>Creates the output; its thread starts with the first text.</summary>
    public ResultsOutput(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
    }

    /// <summary>Queues <paramref name="text"/> after everything queued before it; waits while the queue is full.</summary>
    /// <exception cref="IOException">An earlier write failed (standard output closed): the pipeline fails, as it did when it wrote itself.</exception>
    public void Write(string text)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            if (_closed)
            {
                // Stopped (the host is going away): the thread wrote everything queued, so this still comes after it.
                _writer.Write(text);
                _writer.Flush();
                return;
            }

            _thread ??= Start();
            while (_queue.Count >= Capacity)
            {
                Monitor.Wait(_gate);
                ThrowIfFailed();
            }

            _queue.Enqueue(text);
            _queued++;
            if (_queue.Count == 1)
            {
                // The thread waits only when the queue is empty.
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Waits until everything queued before the call is written and flushed.</summary>
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

    /// <summary>Writes and flushes what is queued, then stops the thread; later texts are written at once.</summary>
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
        var drained = new List<string>();
        var chunk = new char[ChunkChars];
        while (true)
        {
            lock (_gate)
            {
                while (_queue.Count == 0 && !_closed)
                {
                    Monitor.Wait(_gate);
                }

                if (_queue.Count == 0)
                {
                    return;
                }

                var wasFull = _queue.Count >= Capacity;
                while (_queue.TryDequeue(out var text))
                {
                    drained.Add(text);
                }

                if (wasFull)
                {
                    Monitor.PulseAll(_gate);
                }
            }

            try
            {
                WriteAll(drained, chunk);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // What is queued cannot be written either; the pipelines' next write fails with this.
                lock (_gate)
                {
                    _failure = ex;
                    _queue.Clear();
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            lock (_gate)
            {
                _written += drained.Count;
                Monitor.PulseAll(_gate);
            }

            drained.Clear();
        }
    }

    /// <summary>The drained texts in one write when they fit in the chunk (the console's writer flushes on every write), then a flush.</summary>
    private void WriteAll(List<string> drained, char[] chunk)
    {
        var length = 0;
        foreach (var text in drained)
        {
            if (length + text.Length > chunk.Length)
            {
                _writer.Write(chunk, 0, length);
                length = 0;
            }

            if (text.Length > chunk.Length)
            {
                _writer.Write(text);
                continue;
            }

            text.CopyTo(chunk.AsSpan(length));
            length += text.Length;
        }

        _writer.Write(chunk, 0, length);
        _writer.Flush();
    }
}
