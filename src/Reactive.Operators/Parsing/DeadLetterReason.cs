using System.Text;
using Reactive.Operators.DeadLetters;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Why a parser rejected a line, without allocating: a stable <see cref="Code"/>, the field it
/// concerns and a constant detail. Turn it into a <see cref="DeadLetter"/> with
/// <see cref="ToDeadLetter(string, long, ReadOnlySpan{char})"/> only when one is needed.
/// </summary>
/// <param name="Code">One of <see cref="DeadLetterCodes"/>.</param>
/// <param name="Field">The name of the field concerned, or empty for the whole line.</param>
/// <param name="Detail">A short, constant explanation.</param>
public readonly record struct DeadLetterReason(string Code, string Field, string Detail)
{
    /// <summary>Whether this value holds a reason (the default value does not).</summary>
    public bool IsEmpty => Code is null;

    /// <summary>The human-readable reason: the field, then the detail.</summary>
    public string Reason => string.IsNullOrEmpty(Field) ? Detail : $"{Field}: {Detail}";

    /// <summary>Builds the dead letter for the rejected <paramref name="raw"/> line.</summary>
    public DeadLetter ToDeadLetter(string source, long lineNumber, ReadOnlySpan<char> raw) =>
        DeadLetter.Create(source, lineNumber, Code, Reason, raw.TrimEnd("\r\n"));

    /// <summary>Builds the dead letter for the rejected <paramref name="raw"/> UTF-8 line.</summary>
    public DeadLetter ToDeadLetter(string source, long lineNumber, ReadOnlySpan<byte> raw)
    {
        // Decode only what the dead letter keeps (4 bytes per char at most), so a huge line costs nothing.
        var cut = raw.Length > DeadLetter.MaxRawLength * 4 ? raw[..(DeadLetter.MaxRawLength * 4)] : raw;
        return ToDeadLetter(source, lineNumber, Encoding.UTF8.GetString(cut).AsSpan());
    }
}
