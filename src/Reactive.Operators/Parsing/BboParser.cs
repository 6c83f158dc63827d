using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace Reactive.Operators.Parsing;

/// <summary>
/// Parses BBO quote lines <c>Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size</c>
/// (<c>MM/dd/yyyy</c>, <c>HH:mm:ss.fff</c> with 0 to 7 fraction digits, CRLF or LF).
/// A header line (first field <c>Symbol</c>, anywhere) and blank lines are skipped.
/// Allocation-free per line while the symbol does not change; the symbol string and the day of the last date are
/// kept and reused while they do not change. Not thread-safe: one per input.
/// </summary>
public sealed class BboParser : ILineParser<BboQuote>
{
    private const int FieldCount = 9;

    // The fast path's line lengths: a comma mask of one 64-bit word. The shortest canonical line,
    // "A,MM/dd/yyyy,HH:mm:ss.fff,1,X,1,1,X,1", is 37 bytes; longer lines take the general path.
    private const int MinCanonicalLength = 16;
    private const int MaxCanonicalLength = 64;
    private static readonly byte[] HeaderFirstField = "Symbol"u8.ToArray();

    private readonly LocalTimeConverter _time;
    private byte[] _symbolBytes = new byte[16];
    private int _symbolLength = -1;
    private string _symbol = string.Empty;

    // Not readonly: a mutable struct updated in place.
    private DateFieldCache _dates;

    /// <summary>Creates a parser.</summary>
    public BboParser(BboParserOptions? options = null)
    {
        options ??= new BboParserOptions();
        options.Validate();
        _time = new LocalTimeConverter(options.TimeZone);
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<byte> line, out BboQuote value, out DeadLetterReason reason)
    {
        reason = default;
        line = Utf8Text.TrimLineEnd(line);
        return TryParseCanonical(line, out value) ? ParseStatus.Parsed : ParseGeneral(line, out value, out reason);
    }

    /// <summary>
    /// The shape of every quote of the course file and of the generator,
    /// <c>SYM,MM/dd/yyyy,HH:mm:ss.fff,price,X,size,price,X,size</c> in at most 64 bytes: the commas from one bit mask
    /// (no loop), the date and time read by position, plain numbers, with the same date cache and number readers as the general path (so the same
    /// values). Any other shape, and every bad row, returns false and takes the general path, which decides and
    /// explains.
    /// </summary>
    /// <remarks>
    /// Not inlined: inlined into its caller (and that into the line loop), dynamic PGO would run out of inlining
    /// budget in some processes and leave the number readers as calls, which measured 140 vs 185 ns per quote
    /// end to end from one process to the next. On its own it gets its readers inlined every time.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryParseCanonical(ReadOnlySpan<byte> line, out BboQuote value)
    {
        value = default;
        if (line.Length is < MinCanonicalLength or > MaxCanonicalLength)
        {
            return false;
        }

        ulong commas = Utf8Text.CommaMask16To64(line);
        if (BitOperations.PopCount(commas) != FieldCount - 1)
        {
            return false;
        }

        // The eight comma positions, lowest first, with no loop.
        int symbolEnd = NextComma(ref commas);
        int dateEnd = NextComma(ref commas);
        int timeEnd = NextComma(ref commas);
        int bidEnd = NextComma(ref commas);
        int bidExchangeEnd = NextComma(ref commas);
        int bidSizeEnd = NextComma(ref commas);
        int askEnd = NextComma(ref commas);
        int askExchangeEnd = NextComma(ref commas);
        int bidExchange = bidEnd + 1;
        int askExchange = askEnd + 1;
        if (symbolEnd == 0 || dateEnd - symbolEnd != 11 || timeEnd - dateEnd != 13
            || bidExchangeEnd - bidExchange != 1 || askExchangeEnd - askExchange != 1
            || !char.IsAsciiLetterOrDigit((char)line[bidExchange]) || !char.IsAsciiLetterOrDigit((char)line[askExchange]))
        {
            return false;
        }

        var dateText = line.Slice(symbolEnd + 1, 10);
        if (!_dates.TryRead(dateText, Utf8Text.TryParseUsDate, out int day))
        {
            return false;
        }

        var symbol = line[..symbolEnd];
        if (!Utf8Text.TryParseMillisecondTime(line.Slice(dateEnd + 1, 12), out long timeOfDay)
            || Utf8Text.TryParseDouble(line[(timeEnd + 1)..bidEnd], out double bid) != NumberStatus.Ok
            || Utf8Text.TryParseDouble(line[(bidSizeEnd + 1)..askEnd], out double ask) != NumberStatus.Ok
            || !Utf8Text.TryDigits(line[(bidExchangeEnd + 1)..bidSizeEnd], 1, 9, out int bidSize)
            || !Utf8Text.TryDigits(line[(askExchangeEnd + 1)..], 1, 9, out int askSize)
            || bid < 0 || ask < 0
            || (symbolEnd == HeaderFirstField.Length && System.Text.Ascii.EqualsIgnoreCase(symbol, HeaderFirstField))
            || !_time.TryToUtcTicks((day * TimeSpan.TicksPerDay) + timeOfDay, out long utc)
            || !TrySymbol(symbol, out string symbolText))
        {
            return false;
        }

        value = new BboQuote(symbolText, utc, bid, (char)line[bidExchange], bidSize, ask, (char)line[askExchange], askSize);
        return true;
    }

    /// <summary>The position of the lowest comma left in <paramref name="commas"/>, which it then clears.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextComma(ref ulong commas)
    {
        int position = BitOperations.TrailingZeroCount(commas);
        commas &= commas - 1;
        return position;
    }

    /// <summary>
    /// Every line the canonical fast path does not take: headers, blanks, other shapes, bad rows. It reads any line
    /// on its own (internal so that tests can check that the fast path agrees with it, line by line).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal ParseStatus ParseGeneral(ReadOnlySpan<byte> line, out BboQuote value, out DeadLetterReason reason)
    {
        value = default;
        var ranges = default(FieldRanges);
        Span<Range> f = ranges;
        if (Utf8Text.SplitFixedFields(line, f, HeaderFirstField, "expected 9 fields: Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size", out reason) is { } early)
        {
            return early;
        }

        var symbol = line[f[0]];
        if (symbol.IsEmpty)
        {
            reason = new(DeadLetterCodes.MissingField, "Symbol", "is empty");
            return ParseStatus.Rejected;
        }

        // Checked here, remembered only once the whole row is good (below): a bad row does not displace the kept symbol.
        if (!IsTicker(symbol))
        {
            reason = new(DeadLetterCodes.BadValue, "Symbol", "expected a ticker: printable ASCII, no quotes, no leading or trailing space");
            return ParseStatus.Rejected;
        }

        var dateText = line[f[1]];
        if (!_dates.TryRead(dateText, Utf8Text.TryParseUsDate, out int day))
        {
            reason = new(DeadLetterCodes.BadDate, "Date", "expected MM/dd/yyyy");
            return ParseStatus.Rejected;
        }

        if (!Utf8Text.TryParseTimeOfDay(line[f[2]], out long timeOfDay))
        {
            reason = new(DeadLetterCodes.BadTime, "Time", "expected HH:mm:ss.fff");
            return ParseStatus.Rejected;
        }

        if (!_time.TryToUtcTicks((day * TimeSpan.TicksPerDay) + timeOfDay, out long utc))
        {
            reason = new(DeadLetterCodes.BadDate, "Date", LocalTimeConverter.OutOfRangeDetail);
            return ParseStatus.Rejected;
        }

        if (!TryPrice(line[f[3]], "Bid Price", out double bid, ref reason)
            || !TryExchange(line[f[4]], "Bid Exchange", out char bidExchange, ref reason)
            || !TrySize(line[f[5]], "Bid Size", out int bidSize, ref reason)
            || !TryPrice(line[f[6]], "Ask Price", out double ask, ref reason)
            || !TryExchange(line[f[7]], "Ask Exchange", out char askExchange, ref reason)
            || !TrySize(line[f[8]], "Ask Size", out int askSize, ref reason))
        {
            return ParseStatus.Rejected;
        }

        _ = TrySymbol(symbol, out string symbolText); // a ticker: checked above
        value = new BboQuote(symbolText, utc, bid, bidExchange, bidSize, ask, askExchange, askSize);
        return ParseStatus.Parsed;
    }

    /// <inheritdoc />
    public ParseStatus Parse(ReadOnlySpan<char> line, out BboQuote value, out DeadLetterReason reason) =>
        Utf8Text.ParseChars(this, line, out value, out reason);

    /// <summary>
    /// The symbol's string, reused while the symbol does not change. A new symbol must be printable ASCII without
    /// quotes, and not start or end with a space (<c>BRK.B</c>, <c>BF-B</c>, <c>BRK B</c>): a padded, quoted, garbled
    /// (U+FFFD, invalid UTF-8) or otherwise mangled ticker would silently become a symbol of its own.
    /// </summary>
    private bool TrySymbol(ReadOnlySpan<byte> bytes, out string symbol)
    {
        if (bytes.Length == _symbolLength && bytes.SequenceEqual(_symbolBytes.AsSpan(0, _symbolLength)))
        {
            symbol = _symbol;
            return true;
        }

        if (!IsTicker(bytes))
        {
            symbol = string.Empty;
            return false;
        }

        if (bytes.Length > _symbolBytes.Length)
        {
            _symbolBytes = new byte[bytes.Length];
        }

        bytes.CopyTo(_symbolBytes);
        _symbolLength = bytes.Length;
        _symbol = Encoding.ASCII.GetString(bytes);
        symbol = _symbol;
        return true;
    }

    private static bool IsTicker(ReadOnlySpan<byte> bytes) =>
        !bytes.IsEmpty && bytes[0] != (byte)' ' && bytes[^1] != (byte)' '
        && bytes.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0 && !bytes.Contains((byte)'"');

    private static bool TryPrice(ReadOnlySpan<byte> text, string field, out double price, ref DeadLetterReason reason)
    {
        switch (Utf8Text.TryParseDouble(text, out price))
        {
            case NumberStatus.Ok when price < 0:
                reason = new(DeadLetterCodes.BadNumber, field, "is negative");
                return false;
            case NumberStatus.Ok:
                return true;
            case NumberStatus.NonFinite:
                reason = new(DeadLetterCodes.NonFinite, field, "is NaN or infinite");
                return false;
            default:
                reason = text.IsEmpty
                    ? new(DeadLetterCodes.MissingField, field, "is empty")
                    : new(DeadLetterCodes.BadNumber, field, "is not a number");
                return false;
        }
    }

    private static bool TrySize(ReadOnlySpan<byte> text, string field, out int size, ref DeadLetterReason reason)
    {
        if (Utf8Text.TryParseInt(text, out size) && size >= 0)
        {
            return true;
        }

        reason = text.IsEmpty
            ? new(DeadLetterCodes.MissingField, field, "is empty")
            : new(DeadLetterCodes.BadNumber, field, "is not a non-negative integer");
        return false;
    }

    private static bool TryExchange(ReadOnlySpan<byte> text, string field, out char exchange, ref DeadLetterReason reason)
    {
        exchange = default;
        if (text.Length == 1 && char.IsAsciiLetterOrDigit((char)text[0]))
        {
            exchange = (char)text[0];
            return true;
        }

        reason = text.IsEmpty
            ? new(DeadLetterCodes.MissingField, field, "is empty")
            : new(DeadLetterCodes.BadValue, field, "expected a one-letter exchange code");
        return false;
    }

    // The field ranges of one line, on the stack without stackalloc: a method with stackalloc pays for it on every
    // call (localloc, zeroing, a stack-guard check), measured at 15–20 ns a line, a third of the parse.
    [InlineArray(FieldCount)]
    private struct FieldRanges
    {
        private Range _element0;
    }
}
