using Reactive.Operators.Windows;

namespace Reactive.Operators.Tests.Windows;

public sealed class AggregateSpecTests
{
    [Theory]
    [InlineData("count", AggregateKind.Count, "", "count")]
    [InlineData("count(*)", AggregateKind.Count, "", "count")]
    [InlineData("COUNT(1)", AggregateKind.Count, "", "count")]
    [InlineData("count(value)", AggregateKind.CountValue, "value", "count(value)")]
    [InlineData("sum(value)", AggregateKind.Sum, "value", "sum(value)")]
    [InlineData(" avg( euro_rate ) ", AggregateKind.Avg, "euro_rate", "avg(euro_rate)")]
    [InlineData("mean(value)", AggregateKind.Avg, "value", "avg(value)")]
    [InlineData("min(value)", AggregateKind.Min, "value", "min(value)")]
    [InlineData("max(value)", AggregateKind.Max, "value", "max(value)")]
    [InlineData("first(value)", AggregateKind.First, "value", "first(value)")]
    [InlineData("last(value)", AggregateKind.Last, "value", "last(value)")]
    [InlineData("stddev(value)", AggregateKind.StdDev, "value", "stddev(value)")]
    [InlineData("stddev_samp(value)", AggregateKind.StdDev, "value", "stddev_samp(value)")]
    [InlineData("variance(value)", AggregateKind.Variance, "value", "variance(value)")]
    [InlineData("var_samp(value)", AggregateKind.Variance, "value", "var_samp(value)")]
    [InlineData("twa(value)", AggregateKind.TimeWeightedAverage, "value", "twa(value)")]
    public void Parse_SparkName_KindFieldAndName(string text, AggregateKind kind, string field, string name)
    {
        var spec = AggregateSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(field, spec.Field);
        Assert.Equal(name, spec.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("median(value)")]
    [InlineData("avg")]
    [InlineData("avg()")]
    [InlineData("avg(value")]
    [InlineData("avg(a b)")]
    [InlineData("sum(*)")]
    public void Parse_Invalid_FormatExceptionAndTryParseFalse(string text)
    {
        Assert.Throws<FormatException>(() => AggregateSpec.Parse(text));
        Assert.False(AggregateSpec.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("avg(euro_rate) as window_avg_euro_rate", AggregateKind.Avg, "euro_rate", "window_avg_euro_rate")]
    [InlineData("  AVG(euro_rate)   AS   window_avg_euro_rate  ", AggregateKind.Avg, "euro_rate", "window_avg_euro_rate")]
    [InlineData("count As n", AggregateKind.Count, "", "n")]
    [InlineData("count(*) as rows_2", AggregateKind.Count, "", "rows_2")]
    [InlineData("mean(value) aS _m", AggregateKind.Avg, "value", "_m")]
    public void Parse_Alias_ColumnNamedByTheAlias(string text, AggregateKind kind, string field, string name)
    {
        var spec = AggregateSpec.Parse(text);
        Assert.Equal((kind, field, name), (spec.Kind, spec.Field, spec.Name));
        Assert.Equal(name, spec.Alias);
        Assert.Equal($"{spec.SparkName} as {name}", spec.ToString());
        Assert.NotEqual(AggregateSpec.Parse(spec.SparkName), spec);
        Assert.Equal(AggregateSpec.Parse(spec.SparkName).WithAlias(name), spec);
    }

    [Theory]
    [InlineData("avg(value) as 2x", "2x")]
    [InlineData("avg(value) as a-b", "a-b")]
    [InlineData("avg(value) as a.b", "a.b")]
    [InlineData("avg(value) as \"x\"", "\"x\"")]
    [InlineData("avg(value) as é", "é")]
    [InlineData("avg(value) as x y", "x y")]
    public void Parse_InvalidAlias_ErrorNamesIt(string text, string alias)
    {
        Assert.False(AggregateSpec.TryParse(text, out _, out var error));
        Assert.Contains(alias.Split(' ')[^1], error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => AggregateSpec.Parse(text));
    }

    [Theory]
    [InlineData("median(value) as m")]
    [InlineData("as m")]
    [InlineData("avg(value) as")]
    public void Parse_AliasOfAnInvalidAggregate_Error(string text) =>
        Assert.False(AggregateSpec.TryParse(text, out _, out _));

    [Fact]
    public void WithAlias_NotAColumnName_ArgumentException() =>
        Assert.Throws<ArgumentException>(() => AggregateSpec.Count.WithAlias("a b"));

    [Fact]
    public void Of_Kind_SparkName()
    {
        Assert.Equal("stddev(price)", AggregateSpec.Of(AggregateKind.StdDev, "price").Name);
        Assert.Equal("count", AggregateSpec.Of(AggregateKind.Count, "ignored").Name);
    }

    [Fact]
    public void WindowAggregateParse_UnknownField_ArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => WindowAggregate<double>.Parse("avg(nope)", _ => null));
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowAggregate_ValueAggregateWithoutSelector_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new WindowAggregate<double>(AggregateSpec.Parse("avg(x)"), null));
}
