namespace Reactive.Operators.Parsing;

/// <summary>One best-bid-and-offer quote, as in the course's <c>14081.csv</c>.</summary>
/// <param name="Symbol">The ticker (the same string instance while the symbol does not change).</param>
/// <param name="TimestampTicks">The quote time as UTC ticks (the file's exchange-local time converted with the configured zone).</param>
/// <param name="BidPrice">Best bid price.</param>
/// <param name="BidExchange">One-letter venue code of the best bid.</param>
/// <param name="BidSize">Best bid size, in round lots.</param>
/// <param name="AskPrice">Best ask (offer) price.</param>
/// <param name="AskExchange">One-letter venue code of the best ask.</param>
/// <param name="AskSize">Best ask size, in round lots.</param>
public readonly record struct BboQuote(
    string Symbol,
    long TimestampTicks,
    double BidPrice,
    char BidExchange,
    int BidSize,
    double AskPrice,
    char AskExchange,
    int AskSize)
{
    /// <summary>The quote time as a UTC <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Timestamp => new(TimestampTicks, TimeSpan.Zero);

    /// <summary>Ask minus bid (negative when the quote is crossed, zero when locked).</summary>
    public double Spread => AskPrice - BidPrice;
}
