using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Kinds;
using Reactive.Host.Trading;

namespace Reactive.Host.Tests.Trading;

/// <summary>The trading kind's binding table: configuration keys set the options, errors name the key.</summary>
public sealed class TradingKindTests
{
    private static Catalog Load(out List<string> errors, params (string Key, string Value)[] options)
    {
        var values = new List<(string, string)> { ("Pipelines:t:Kind", "trading"), ("Pipelines:t:Source:Kind", "generator"), ("Pipelines:t:Source:Generator", "bitcoin") };
        values.AddRange(options.Select(o => ("Pipelines:t:Options:" + o.Key, o.Value)));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2)))
            .Build();
        return PipelineCatalog.Load(configuration, out errors);
    }

    [Fact]
    public void Load_EverySetting_SetsItsOption()
    {
        var catalog = Load(
            out var errors,
            ("Format", "bitcoincharts"), ("Mode", "simulator"), ("Window", "20 minutes"), ("Slide", "10 minutes"), ("DecisionsShown", "7"),
            ("Rule", "mr2"), ("Currency", "GBP"), ("Threshold", "0.02"), ("BuyAmount", "0.03"), ("SellAmount", "0.04"),
            ("MaxOrderAmount", "0.5"), ("MaxPosition", "3"), ("MinEuroKept", "50"), ("MinimumOrderAmount", "0.001"), ("AmountDecimals", "6"),
            ("Cooldown", "2 minutes"), ("MaxOrdersPerHour", "9"), ("AnomalyHold", "30 minutes"), ("MaxSpread", "12.5"), ("MaxAverageAge", "1 hour"),
            ("StartingEuro", "2000"), ("StartingBitcoin", "0.25"), ("FeeRate", "0.0026"), ("AnomalyPipeline", "prices"), ("SpreadPipeline", "quotes"));

        Assert.Empty(errors);
        var o = Assert.IsType<TradingPipelineOptions>(Assert.Single(catalog.Pipelines).Options);
        Assert.Equal((TradingFeedFormat.Bitcoincharts, TradingMode.Simulator, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(10), 7), (o.Format, o.Mode, o.Window, o.Slide, o.DecisionsShown));
        Assert.Equal(("prices", "quotes"), (o.AnomalyPipeline, o.SpreadPipeline));
        var r = o.Rule;
        Assert.Equal(("mr2", "GBP", 0.02, 0.03, 0.04, 0.5, 3.0, 50.0, 0.001, 6), (r.RuleName, r.Currency, r.Threshold, r.BuyAmount, r.SellAmount, r.MaxOrderAmount, r.MaxPosition, r.MinEuroKept, r.MinimumOrderAmount, r.AmountDecimals));
        Assert.Equal((TimeSpan.FromMinutes(2), 9, TimeSpan.FromMinutes(30), (double?)12.5, TimeSpan.FromHours(1)), (r.Cooldown, r.MaxOrdersPerHour, r.AnomalyHold, r.MaxSpread, r.MaxAverageAge));
        Assert.Equal((2000.0, 0.25, 0.0026), (r.StartingEuro, r.StartingBitcoin, r.FeeRate));
    }

    [Fact]
    public void Load_NoOptions_TheDefaultsOfTheOptionsTypes()
    {
        var catalog = Load(out var errors);

        Assert.Empty(errors);
        var o = Assert.IsType<TradingPipelineOptions>(Assert.Single(catalog.Pipelines).Options);
        var bitcoin = new BitcoinPipelineOptions();
        Assert.Equal((TradingFeedFormat.Json, TradingMode.Paper, bitcoin.Window.WindowDuration, bitcoin.Window.SlideDuration!.Value), (o.Format, o.Mode, o.Window, o.Slide));
        Assert.Equal(new Reactive.Operators.Trading.TradingOptions().Threshold, o.Rule.Threshold);
    }

    [Theory]
    [InlineData("Threshold", "0", "Pipelines:t:Options:Threshold: ")]
    [InlineData("Cooldown", "0 seconds", "Pipelines:t:Options:Cooldown: ")]
    [InlineData("FeeRate", "1", "Pipelines:t:Options:FeeRate: ")]
    [InlineData("Mode", "paperless", "Pipelines:t:Options:Mode: ")]
    [InlineData("Currency", "JPY", "Pipelines:t:Options:Currency: the bitcoin JSON feed has rates of EUR, USD and GBP, not 'JPY'")]
    [InlineData("Slide", "1 hour", "Pipelines:t:Options:Slide: the slide")]
    [InlineData("DecisionsShown", "0", "Pipelines:t:Options:DecisionsShown: ")]
    public void Load_BadSetting_NamesItsKey(string key, string value, string expected)
    {
        Load(out var errors, (key, value));

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }
}
