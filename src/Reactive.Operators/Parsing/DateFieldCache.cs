using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Reactive.Operators.Parsing;

/// <summary>
/// The last 10-byte date field a parser accepted (<c>MM/dd/yyyy</c>, <c>yyyy-MM-dd</c>) and its day number.
/// Consecutive lines nearly always share their date (a trading day of quotes, 24 hourly prices), so a parser
/// converts and validates a date once per change instead of once per line.
/// </summary>
/// <remarks>
/// Only a date that parsed is remembered, and a hit needs all 10 bytes equal (compared as a <c>ulong</c> and a
/// <c>ushort</c>), so a hit returns exactly what parsing those bytes would, and a line whose date differs in any byte
/// (a bad date sharing the good one's prefix included) is parsed and validated afresh. Other lengths (e.g. the
/// one-digit month <c>3/5/2014</c>) are never cached and are always parsed. A mutable struct: keep it in a
/// non-readonly field.
/// </remarks>
internal struct DateFieldCache
{
    /// <summary>Reads a date field as a day number (e.g. <see cref="Utf8Text.TryParseUsDate"/>).</summary>
    public delegate bool DateReader(ReadOnlySpan<byte> field, out int dayNumber);

    private const int Length = 10;

    private ulong _head;
    private ushort _tail;
    private int _dayNumber;
    private bool _filled;

    /// <summary>Whether <paramref name="field"/> is byte for byte the remembered date.</summary>
    public readonly bool TryGet(ReadOnlySpan<byte> field, out int dayNumber)
    {
        dayNumber = _dayNumber;
        return _filled
            && field.Length == Length
            && MemoryMarshal.Read<ulong>(field) == _head
            && MemoryMarshal.Read<ushort>(field[8..]) == _tail;
    }

    /// <summary>
    /// The remembered day when <paramref name="field"/> is the remembered date; otherwise <paramref name="read"/>
    /// parses and validates it, and a date that parsed is remembered. False when it does not parse.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(ReadOnlySpan<byte> field, DateReader read, out int dayNumber)
    {
        if (TryGet(field, out dayNumber))
        {
            return true;
        }

        if (!read(field, out dayNumber))
        {
            return false;
        }

        Remember(field, dayNumber);
        return true;
    }

    /// <summary>Remembers a date field that parsed to <paramref name="dayNumber"/> (ignored unless 10 bytes long).</summary>
    public void Remember(ReadOnlySpan<byte> field, int dayNumber)
    {
        if (field.Length != Length)
        {
            return;
        }

        _head = MemoryMarshal.Read<ulong>(field);
        _tail = MemoryMarshal.Read<ushort>(field[8..]);
        _dayNumber = dayNumber;
        _filled = true;
    }
}
