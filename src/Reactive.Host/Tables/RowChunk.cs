using System.Buffers.Binary;
using System.Text;
using Reactive.Host.Analytics;

namespace Reactive.Host.Tables;

/// <summary>
/// A block of a table's queued rows, encoded as bytes when they are written: the queue holds no object per row (no
/// values array, boxes or time text kept alive until the writer inserts it), so the garbage collector has nothing of the
/// table's to trace and promote. Before, at 100 k rows/s, the ≈ 1,000 rows a commit gathers survived each young
/// collection: 7 gen1 collections a second (measured with bench <c>--live</c>).
/// </summary>
/// <remarks>
/// A row is its window (two UTC tick counts) when the table has one, then each value: a tag byte and a long, a double, or
/// a text's UTF-8 length and bytes. The chunk goes back to its table's free list once the encoder moved on to another
/// one and the writer is done with every row in it (references: the encoder's own and one per queued row).
/// </remarks>
internal sealed class RowChunk
{
    /// <summary>The size of a table's chunks; a row larger than this gets a chunk of its own, not reused.</summary>
    public const int Size = 64 * 1024;

    private const byte Null = 0;
    private const byte Integer = 1;
    private const byte Real = 2;
    private const byte Text = 3;

    private int _references = 1;

    /// <remarks>
    /// A reusable chunk is reused for as long as its table lives: it is made on the pinned object heap, which the collector
    /// never moves (as the oldest generation), so the young collections after the service starts do not copy each chunk
    /// twice on its way there (≈ 2.3 MB at 100 k rows/s). One freed while the table's free list is full (a burst's extra
    /// chunks) is reclaimed with the oldest generation. A large row's own chunk is short-lived and made as usual.
    /// </remarks>
    public RowChunk(int size = Size) => Bytes = size == Size ? GC.AllocateUninitializedArray<byte>(size, pinned: true) : new byte[size];

    public byte[] Bytes { get; }

    /// <summary>Bytes used so far (the encoder's, under its table's lock).</summary>
    public int Used { get; private set; }

    /// <summary>Whether it is one of the table's reusable chunks (not a large row's own).</summary>
    public bool Pooled => Bytes.Length == Size;

    /// <summary>Back to empty, with the encoder's reference only (taken from the free list).</summary>
    public void Reset()
    {
        Used = 0;
        Volatile.Write(ref _references, 1);
    }

    /// <summary>Drops one reference (a row applied or dropped, or the encoder's); true when it was the last.</summary>
    public bool Release() => Interlocked.Decrement(ref _references) == 0;

    /// <summary>
    /// The most bytes <paramref name="values"/> and a window can take: numbers 9 bytes, a text 5 plus three per character
    /// (a long one counted exactly), a time 5 plus its ISO text.
    /// </summary>
    public static int MaxLength(ReadOnlySpan<FieldValue> values, bool window)
    {
        var length = window ? 16 : 0;
        foreach (var value in values)
        {
            length += value.Type switch
            {
                FieldValueKind.Null or FieldValueKind.Long or FieldValueKind.Double or FieldValueKind.Bool => 9,
                // A long text counted exactly: three bytes a character would give an ASCII line a chunk of its own.
                FieldValueKind.String => 5 + (value.String.Length <= 1024 ? Encoding.UTF8.GetMaxByteCount(value.String.Length) : Encoding.UTF8.GetByteCount(value.String)),
                FieldValueKind.Time => 5 + IsoTime.MaxLength,
                _ => throw Unconverted(value.Other),
            };
        }

        return length;
    }

    /// <summary>A value as <see cref="Converted"/> gives it, for <see cref="Append"/> (<see cref="DBNull"/> is null).</summary>
    public static FieldValue ToField(object? value) => value is DBNull ? FieldValue.Null : FieldValue.Of(value);

    /// <summary>
    /// <paramref name="values"/> themselves when each is null, a string, a number, a boolean or a time (the service's own
    /// rows); otherwise a copy with the others as <see cref="MemoryTable.ToSqlValue"/> converts them, converted once so
    /// that <see cref="MaxLength"/> measures what <see cref="Append"/> writes (a <c>ToString</c> need not give the same text twice).
    /// </summary>
    public static IReadOnlyList<object?> Converted(IReadOnlyList<object?> values)
    {
        object?[]? converted = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not (null or DBNull or string or long or int or bool or double or DateTimeOffset))
            {
                converted ??= [.. values];
                converted[i] = MemoryTable.ToSqlValue(values[i]);
            }
        }

        return converted ?? values;
    }

    /// <summary>Whether <paramref name="length"/> more bytes fit.</summary>
    public bool Fits(int length) => Bytes.Length - Used >= length;

    /// <summary>
    /// Appends one row (room checked by the caller with <see cref="MaxLength"/>), takes a reference for it and returns
    /// where it starts. A time is written as ISO-8601 text: with its milliseconds always (<c>.fff</c>), or with
    /// <paramref name="trimmedTimes"/> the precision it needs, as a result row's JSON gives it (<see cref="ResultRow.FormatTime(DateTimeOffset)"/>).
    /// </summary>
    public int Append(ReadOnlySpan<FieldValue> values, DateTimeOffset? windowStart, DateTimeOffset? windowEnd, bool window, bool trimmedTimes)
    {
        var start = Used;
        var span = Bytes.AsSpan();
        var at = Used;
        if (window)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], windowStart!.Value.UtcTicks);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], windowEnd!.Value.UtcTicks);
            at += 16;
        }

        foreach (var value in values)
        {
            at = AppendValue(span, at, value, trimmedTimes);
        }

        Used = at;
        Interlocked.Increment(ref _references);
        return start;
    }

    /// <summary>Binds one encoded row's values (and window columns) to <paramref name="insert"/>.</summary>
    public static void Bind(ReadOnlySpan<byte> row, PreparedInsert insert, bool window, int columns)
    {
        var at = 0;
        var offset = 0;
        if (window)
        {
            var start = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(row), TimeSpan.Zero);
            var end = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(row[8..]), TimeSpan.Zero);
            Span<char> text = stackalloc char[IsoTime.MaxLength];
            insert.Bind(0, text[..IsoTime.FormatMilliseconds(start, text)]);
            insert.Bind(1, text[..IsoTime.FormatMilliseconds(end, text)]);
            insert.Bind(2, start.ToUnixTimeMilliseconds());
            insert.Bind(3, end.ToUnixTimeMilliseconds());
            at = 16;
            offset = 4;
        }

        for (var i = 0; i < columns; i++)
        {
            var tag = row[at++];
            switch (tag)
            {
                case Integer:
                    insert.Bind(offset + i, BinaryPrimitives.ReadInt64LittleEndian(row[at..]));
                    at += 8;
                    break;
                case Real:
                    insert.Bind(offset + i, BinaryPrimitives.ReadDoubleLittleEndian(row[at..]));
                    at += 8;
                    break;
                case Text:
                    var length = BinaryPrimitives.ReadInt32LittleEndian(row[at..]);
                    insert.BindUtf8(offset + i, row.Slice(at + 4, length));
                    at += 4 + length;
                    break;
                default:
                    insert.BindNull(offset + i);
                    break;
            }
        }
    }

    private static int AppendValue(Span<byte> span, int at, FieldValue value, bool trimmedTimes)
    {
        switch (value.Type)
        {
            case FieldValueKind.Null:
                span[at] = Null;
                return at + 1;
            case FieldValueKind.Long:
                return AppendInteger(span, at, value.Long);
            case FieldValueKind.Bool:
                return AppendInteger(span, at, value.Bool ? 1 : 0);
            case FieldValueKind.Double when double.IsFinite(value.Double):
                span[at] = Real;
                BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 1)..], value.Double);
                return at + 9;
            case FieldValueKind.Double:
                span[at] = Null;
                return at + 1;
            case FieldValueKind.String:
                return AppendText(span, at, value.String);
            case FieldValueKind.Time:
                Span<char> text = stackalloc char[IsoTime.MaxLength];
                var length = trimmedTimes ? IsoTime.Format(value.Time, text) : IsoTime.FormatMilliseconds(value.Time, text);
                return AppendText(span, at, text[..length]);
            default:
                throw Unconverted(value.Other);
        }
    }

    /// <summary>A value <see cref="Converted"/> would have converted: the caller skipped it (a defect, not bad input).</summary>
    private static InvalidOperationException Unconverted(object value) =>
        new($"a table value of type {value.GetType().Name} reached the row encoder unconverted (RowChunk.Converted first)");

    private static int AppendInteger(Span<byte> span, int at, long value)
    {
        span[at] = Integer;
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 1)..], value);
        return at + 9;
    }

    private static int AppendText(Span<byte> span, int at, ReadOnlySpan<char> text)
    {
        span[at] = Text;
        var length = Encoding.UTF8.GetBytes(text, span[(at + 5)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 1)..], length);
        return at + 5 + length;
    }
}
