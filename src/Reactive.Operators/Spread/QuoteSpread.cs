namespace Reactive.Operators.Spread;

/// <summary>The spread of one quote.</summary>
/// <param name="TimestampTicks">The quote's event time, in ticks.</param>
/// <param name="Bid">The bid price.</param>
/// <param name="Ask">The ask price.</param>
/// <param name="Spread">Ask − bid, rounded to 1e-9 so that decimal prices give clean values (43.69 − 43.16 = 0.53, not 0.5300000000000011).</param>
/// <param name="RelativeBps">The spread in basis points of the mid price: (ask − bid) / ((ask + bid) / 2) · 10⁴; NaN when the mid is zero.</param>
/// <param name="IsLocked">Ask equals bid (compared exactly, not through the difference).</param>
/// <param name="IsCrossed">Ask is below bid.</param>
public readonly record struct QuoteSpread(
    long TimestampTicks,
    double Bid,
    double Ask,
    double Spread,
    double RelativeBps,
    bool IsLocked,
    bool IsCrossed)
{
    private const double Scale = 1e9;

    /// <summary>Computes the spread of a quote.</summary>
    /// <param name="timestampTicks">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <returns>The spread, its relative value and the locked/crossed flags.</returns>
    public static QuoteSpread Compute(long timestampTicks, double bid, double ask)
    {
        var spread = RoundSpread(ask - bid);
        var mid = (ask + bid) / 2;
        var bps = mid == 0 ? double.NaN : spread / mid * 10_000;
        return new QuoteSpread(timestampTicks, bid, ask, spread, bps, ask == bid, ask < bid);
    }

    /// <summary>
    /// Rounds a price difference to 1e-9. Prices are decimal numbers held in binary doubles; the raw
    /// difference carries noise in the last bits, which rounding removes. Locked and crossed are
    /// decided on the prices themselves, which is exact.
    /// </summary>
    internal static double RoundSpread(double difference) => Math.Round(difference * Scale) / Scale;
}
