namespace Reactive.Sources;

/// <summary>
/// The lines one read of a source delivered, as UTF-8 bytes (terminators removed), with their numbers: what an
/// <see cref="IUtf8LineSource"/> hands over instead of a <see cref="SourceLine"/> and a string per line.
/// </summary>
/// <remarks>
/// One batch per connection, refilled for each read: it and its lines are valid only during the <c>OnNext</c> that
/// delivers it, and must be parsed (or copied) there. Its buffers grow to the largest read and are kept.
/// </remarks>
public sealed class Utf8LineBatch
{
    private byte[] _bytes = new byte[4096];
    private int[] _ends = new int[64];
    private long[] _numbers = new long[64];
    private int _length;

    /// <summary>Creates an empty batch of lines from <paramref name="origin"/>.</summary>
    /// <param name="origin">Where the lines came from (<c>host:port</c> for a socket): the <see cref="SourceLine.Origin"/> the same lines would have.</param>
    public Utf8LineBatch(string origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        Origin = origin;
    }

    /// <summary>Where the lines came from.</summary>
    public string Origin { get; }

    /// <summary>The number of lines in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>The bytes of line <paramref name="index"/> (0-based within the batch), terminator removed.</summary>
    public ReadOnlySpan<byte> Line(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        var start = index == 0 ? 0 : _ends[index - 1];
        return _bytes.AsSpan(start, _ends[index] - start);
    }

    /// <summary>The 1-based number of line <paramref name="index"/> in its connection or file (as <see cref="SourceLine.LineNumber"/>).</summary>
    public long LineNumber(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _numbers[index];
    }

    /// <summary>The index of the line numbered <paramref name="lineNumber"/> in the batch, or -1.</summary>
    public int IndexOf(long lineNumber)
    {
        var index = Array.BinarySearch(_numbers, 0, Count, lineNumber);
        return index >= 0 ? index : -1;
    }

    /// <summary>Adds a line (copied).</summary>
    internal void Add(long lineNumber, ReadOnlySpan<byte> utf8)
    {
        if (_length + utf8.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_length + utf8.Length, _bytes.Length * 2));
        }

        if (Count == _ends.Length)
        {
            Array.Resize(ref _ends, Count * 2);
            Array.Resize(ref _numbers, Count * 2);
        }

        utf8.CopyTo(_bytes.AsSpan(_length));
        _length += utf8.Length;
        _ends[Count] = _length;
        _numbers[Count] = lineNumber;
        Count++;
    }

    /// <summary>Empties the batch for the next read.</summary>
    internal void Clear()
    {
        Count = 0;
        _length = 0;
    }
}

/// <summary>
/// A line source that can also hand its lines over as UTF-8 bytes, one <see cref="Utf8LineBatch"/> per read, with no
/// string or object per line: for consumers that parse bytes (the service's record parsers). The lines, their numbers,
/// the dead letters (<see cref="ILineSource.Rejected"/>) and the status are the same as a subscription to the lines gives.
/// </summary>
public interface IUtf8LineSource : ILineSource
{
    /// <summary>
    /// The lines as batches of bytes, each valid only during its <c>OnNext</c>. Subscriptions to it share one
    /// connection, opened by the first and closed with the last; it is not the connection of
    /// <see cref="IObservable{T}.Subscribe"/>'s subscribers (a consumer takes one form or the other).
    /// </summary>
    IObservable<Utf8LineBatch> Utf8Lines { get; }
}
