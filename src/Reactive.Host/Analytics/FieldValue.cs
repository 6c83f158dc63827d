namespace Reactive.Host.Analytics;

/// <summary>What a <see cref="FieldValue"/> holds.</summary>
internal enum FieldValueKind : byte
{
    /// <summary>No value (JSON <c>null</c>, SQL <c>NULL</c>).</summary>
    Null,

    /// <summary>A string.</summary>
    String,

    /// <summary>An integer (a result's <c>int</c> or <c>long</c>).</summary>
    Long,

    /// <summary>A double (not finite: written as null, as before).</summary>
    Double,

    /// <summary>A boolean.</summary>
    Bool,

    /// <summary>A <see cref="DateTimeOffset"/>.</summary>
    Time,

    /// <summary>Any other object (a <see cref="DateOnly"/>, say), kept as the object.</summary>
    Other,
}

/// <summary>
/// One field value of a result row without a box: a number, a boolean or a time in place, a string or another object by
/// reference. Sinks read rows through <see cref="ResultRow.FieldAt"/>, so that a row whose fields are
/// <see cref="ResultFields"/> (a per-quote row) is written without allocating.
/// </summary>
internal readonly struct FieldValue
{
    private readonly object? _reference;
    private readonly long _bits;
    private readonly short _offsetMinutes;

    private FieldValue(FieldValueKind type, long bits, object? reference = null, short offsetMinutes = 0)
    {
        Type = type;
        _bits = bits;
        _reference = reference;
        _offsetMinutes = offsetMinutes;
    }

    /// <summary>What it holds.</summary>
    public FieldValueKind Type { get; }

    /// <summary>A string (<see cref="FieldValueKind.String"/>).</summary>
    public string String => (string)_reference!;

    /// <summary>An integer (<see cref="FieldValueKind.Long"/>).</summary>
    public long Long => _bits;

    /// <summary>A double (<see cref="FieldValueKind.Double"/>).</summary>
    public double Double => BitConverter.Int64BitsToDouble(_bits);

    /// <summary>A boolean (<see cref="FieldValueKind.Bool"/>).</summary>
    public bool Bool => _bits != 0;

    /// <summary>A time (<see cref="FieldValueKind.Time"/>), with its offset.</summary>
    public DateTimeOffset Time => new(_bits + (_offsetMinutes * TimeSpan.TicksPerMinute), TimeSpan.FromMinutes(_offsetMinutes));

    /// <summary>Another object (<see cref="FieldValueKind.Other"/>).</summary>
    public object Other => _reference!;

    public static FieldValue Null => default;

    public static FieldValue Of(string? value) => value is null ? default : new(FieldValueKind.String, 0, value);

    public static FieldValue Of(long value) => new(FieldValueKind.Long, value);

    public static FieldValue Of(double value) => new(FieldValueKind.Double, BitConverter.DoubleToInt64Bits(value));

    public static FieldValue Of(double? value) => value is { } v ? Of(v) : default;

    public static FieldValue Of(bool value) => new(FieldValueKind.Bool, value ? 1 : 0);

    /// <summary>A time, kept as its UTC ticks and its offset in minutes (a <see cref="DateTimeOffset"/>'s offset is whole minutes).</summary>
    public static FieldValue Of(DateTimeOffset value) => new(FieldValueKind.Time, value.UtcTicks, offsetMinutes: (short)(value.Offset.Ticks / TimeSpan.TicksPerMinute));

    /// <summary>A boxed value as a row's fields list holds it: each type above in place, any other as the object.</summary>
    public static FieldValue Of(object? value) => value switch
    {
        null => default,
        string s => Of(s),
        long l => Of(l),
        int i => Of(i),
        double d => Of(d),
        bool b => Of(b),
        DateTimeOffset t => Of(t),
        _ => new(FieldValueKind.Other, 0, value),
    };

    /// <summary>The value boxed as a fields list holds it (a string, long, double, bool, DateTimeOffset, other object or null).</summary>
    public object? ToObject() => Type switch
    {
        FieldValueKind.String => String,
        FieldValueKind.Long => Long,
        FieldValueKind.Double => Double,
        FieldValueKind.Bool => ResultRow.Box(Bool),
        FieldValueKind.Time => Time,
        FieldValueKind.Other => Other,
        _ => null,
    };
}
