using System.Globalization;
using System.Text.Json;
using Reactive.WalletSimulator.Money;

namespace Reactive.WalletSimulator.Prices;

/// <summary>
/// Prices over time, from the simulator's start: each price holds from its offset until the next one's, and after the
/// last the timeline starts over (a replay that never runs dry). Built once; reading it is a binary search.
/// </summary>
internal sealed class PriceTimeline
{
    /// <summary>The most points a timeline holds (a file of more lines is refused, not cut).</summary>
    public const int MaxPoints = 1_000_000;

    private readonly long[] _offsets;
    private readonly decimal[] _prices;
    private readonly long _period;

    private PriceTimeline(long[] offsets, decimal[] prices, long period)
    {
        _offsets = offsets;
        _prices = prices;
        _period = period;
    }

    public int Count => _prices.Length;

    /// <summary>One price, always.</summary>
    public static PriceTimeline Fixed(decimal price) => new([0], [Amounts.Normalize(price)], 0);

    /// <summary>
    /// The timeline of the course's JSON lines (<c>timestamp</c> and <c>euro_rate</c>), their timing divided by
    /// <paramref name="speed"/>. Lines without a positive euro rate or a timestamp are skipped and counted in
    /// <paramref name="skipped"/>; a timestamp earlier than the one before keeps the one before (time never goes back).
    /// </summary>
    public static PriceTimeline FromLines(IEnumerable<string> lines, double speed, out long skipped)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        var offsets = new List<long>();
        var prices = new List<decimal>();
        DateTime? first = null;
        var latest = DateTime.MinValue;
        skipped = 0;
        foreach (var line in lines)
        {
            if (!TryRead(line, out var time, out var price))
            {
                skipped++;
                continue;
            }

            if (prices.Count == MaxPoints)
            {
                throw new InvalidOperationException($"the price feed has more than {MaxPoints} lines; use a shorter one");
            }

            first ??= time;
            latest = time > latest ? time : latest;
            offsets.Add((long)((latest - first.Value).Ticks / speed));
            prices.Add(Amounts.Normalize(price));
        }

        if (prices.Count == 0)
        {
            throw new InvalidOperationException($"the price feed has no line with a timestamp and a positive euro_rate ({skipped} lines skipped)");
        }

        // The last price holds for the average gap, then the first comes again.
        long last = offsets[^1];
        long period = prices.Count == 1 ? 0 : last + (last / (prices.Count - 1));
        return new PriceTimeline([.. offsets], [.. prices], period);
    }

    /// <summary>The price <paramref name="elapsed"/> after the start.</summary>
    public decimal At(TimeSpan elapsed)
    {
        if (_period <= 0)
        {
            return _prices[^1];
        }

        long at = Math.Max(0, elapsed.Ticks) % _period;
        int index = Array.BinarySearch(_offsets, at);
        // Not found: ~index is the first offset after `at`; the price before it holds. Equal offsets: the last of them.
        index = index >= 0 ? LastAt(index) : ~index - 1;
        return _prices[index];
    }

    private int LastAt(int index)
    {
        while (index + 1 < _offsets.Length && _offsets[index + 1] == _offsets[index])
        {
            index++;
        }

        return index;
    }

    /// <summary>
    /// The positive <c>euro_rate</c> of one of the course's JSON records (the <c>kinesis</c> feed's: no timestamp needed),
    /// or false with the reason it has none.
    /// </summary>
    internal static bool TryReadEuro(string line, out decimal price, out string reason) =>
        TryRead(line, requireTimestamp: false, out _, out price, out reason);

    private static bool TryRead(string line, out DateTime time, out decimal price) =>
        TryRead(line, requireTimestamp: true, out time, out price, out _);

    private static bool TryRead(string line, bool requireTimestamp, out DateTime time, out decimal price, out string reason)
    {
        time = default;
        price = 0;
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            reason = root.ValueKind != JsonValueKind.Object ? "not a JSON object"
                : !root.TryGetProperty("euro_rate", out var rate) || rate.ValueKind != JsonValueKind.Number || !rate.TryGetDecimal(out price) ? "no euro_rate number"
                : price <= 0 ? "euro_rate is not positive"
                : requireTimestamp && !(root.TryGetProperty("timestamp", out var stamp)
                    && stamp.ValueKind == JsonValueKind.String
                    && DateTime.TryParse(stamp.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time)) ? "no timestamp"
                : string.Empty;
            return reason.Length == 0;
        }
        catch (JsonException)
        {
            reason = "not JSON";
            return false;
        }
    }
}
