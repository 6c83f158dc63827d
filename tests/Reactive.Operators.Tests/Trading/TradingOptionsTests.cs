using Reactive.Operators.Trading;

namespace Reactive.Operators.Tests.Trading;

public sealed class TradingOptionsTests
{
    public static TheoryData<string, Action<TradingOptions>> Invalid => new()
    {
        { nameof(TradingOptions.RuleName), o => o.RuleName = " " },
        { nameof(TradingOptions.Currency), o => o.Currency = "" },
        { nameof(TradingOptions.Threshold), o => o.Threshold = 0 },
        { nameof(TradingOptions.Threshold), o => o.Threshold = 1 },
        { nameof(TradingOptions.Threshold), o => o.Threshold = double.NaN },
        { nameof(TradingOptions.AmountDecimals), o => o.AmountDecimals = -1 },
        { nameof(TradingOptions.AmountDecimals), o => o.AmountDecimals = 9 },
        { nameof(TradingOptions.MinimumOrderAmount), o => o.MinimumOrderAmount = 0 },
        { nameof(TradingOptions.MinimumOrderAmount), o => o.MinimumOrderAmount = 0.000000001 },
        { nameof(TradingOptions.MinimumOrderAmount), o => (o.AmountDecimals, o.MinimumOrderAmount) = (2, 0.001) },
        { nameof(TradingOptions.MinimumOrderAmount), o => o.MinimumOrderAmount = double.PositiveInfinity },
        { nameof(TradingOptions.BuyAmount), o => o.BuyAmount = 0.00001 },
        { nameof(TradingOptions.BuyAmount), o => o.BuyAmount = double.NaN },
        { nameof(TradingOptions.SellAmount), o => o.SellAmount = double.PositiveInfinity },
        { nameof(TradingOptions.MaxOrderAmount), o => o.MaxOrderAmount = 0 },
        { nameof(TradingOptions.MaxPosition), o => o.MaxPosition = -1 },
        { nameof(TradingOptions.MinEuroKept), o => o.MinEuroKept = -0.01 },
        { nameof(TradingOptions.MinEuroKept), o => o.MinEuroKept = double.PositiveInfinity },
        { nameof(TradingOptions.StartingEuro), o => o.StartingEuro = double.NaN },
        { nameof(TradingOptions.StartingBitcoin), o => o.StartingBitcoin = -0.1 },
        { nameof(TradingOptions.Cooldown), o => o.Cooldown = TimeSpan.Zero },
        { nameof(TradingOptions.Cooldown), o => o.Cooldown = TimeSpan.FromMinutes(-1) },
        { nameof(TradingOptions.MaxOrdersPerHour), o => o.MaxOrdersPerHour = 0 },
        { nameof(TradingOptions.AnomalyHold), o => o.AnomalyHold = TimeSpan.Zero },
        { nameof(TradingOptions.MaxSpread), o => o.MaxSpread = -1 },
        { nameof(TradingOptions.MaxSpread), o => o.MaxSpread = double.NaN },
        { nameof(TradingOptions.MaxAverageAge), o => o.MaxAverageAge = TimeSpan.FromTicks(-1) },
        { nameof(TradingOptions.FeeRate), o => o.FeeRate = -0.01 },
        { nameof(TradingOptions.FeeRate), o => o.FeeRate = 1 },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_InvalidOption_NamesIt(string name, Action<TradingOptions> change)
    {
        var options = new TradingOptions();
        change(options);

        var error = Assert.Throws<OptionValidationException>(options.Validate);

        Assert.Equal(name, error.OptionName);
        Assert.Equal(name, error.ParamName);
        Assert.Contains($"TradingOptions.{name}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnesAndValid()
    {
        var o = new TradingOptions();

        o.Validate();
        Assert.Equal("mean-reversion", o.RuleName);
        Assert.Equal("EUR", o.Currency);
        Assert.Equal(0.01, o.Threshold);
        Assert.Equal(0.01, o.BuyAmount);
        Assert.Equal(0.01, o.SellAmount);
        Assert.Equal(0.1, o.MaxOrderAmount);
        Assert.Equal(1, o.MaxPosition);
        Assert.Equal(100, o.MinEuroKept);
        Assert.Equal(0.0001, o.MinimumOrderAmount);
        Assert.Equal(8, o.AmountDecimals);
        Assert.Equal(TimeSpan.FromMinutes(5), o.Cooldown);
        Assert.Equal(6, o.MaxOrdersPerHour);
        Assert.Equal(TimeSpan.FromHours(1), o.AnomalyHold);
        Assert.Null(o.MaxSpread);
        Assert.Equal(TimeSpan.FromMinutes(15), o.MaxAverageAge);
        Assert.Equal(10_000, o.StartingEuro);
        Assert.Equal(0, o.StartingBitcoin);
        Assert.Equal(0, o.FeeRate);
        Assert.Null(o.State);
    }

    [Fact]
    public void Validate_EdgesThatAreAllowed()
    {
        new TradingOptions
        {
            MaxPosition = 0,
            MinEuroKept = 0,
            StartingEuro = 0,
            MaxSpread = 0,
            MaxAverageAge = TimeSpan.Zero,
            AmountDecimals = 0,
            MinimumOrderAmount = 1,
            BuyAmount = 1,
            SellAmount = 1,
            MaxOrderAmount = 1,
        }.Validate();
        new TradingOptions { MaxAverageAge = TimeSpan.MaxValue, Cooldown = TimeSpan.FromTicks(1), FeeRate = 0.999 }.Validate();
    }
}
