using System.Reactive.Linq;
using Reactive.Operators.Windows;
using static Reactive.Operators.Tests.Windows.WindowTestData;

namespace Reactive.Operators.Tests.Windows;

public sealed class EventTimeWindowOptionsTests
{
    // Validate() and the operator throw the same typed error; its OptionName and ParamName both name the property.
    private static ArgumentException Invalid(Action<EventTimeWindowOptions<Row, string>> change)
    {
        var o = Options(10);
        change(o);
        var direct = Assert.Throws<OptionValidationException>(o.Validate);
        var ex = Assert.Throws<OptionValidationException>(() => Observable.Empty<Row>().WindowByEventTime(o));
        Assert.Equal(direct.OptionName, ex.OptionName);
        Assert.Equal(ex.OptionName, ex.ParamName);
        return ex;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WindowByEventTime_DurationNotPositive_NamesWindowDuration(double seconds) =>
        Assert.Equal("WindowDuration", Invalid(o => o.WindowDuration = TimeSpan.FromSeconds(seconds)).ParamName);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void WindowByEventTime_SlideNotPositive_NamesSlideDuration(double seconds) =>
        Assert.Equal("SlideDuration", Invalid(o => o.SlideDuration = TimeSpan.FromSeconds(seconds)).ParamName);

    [Fact]
    public void WindowByEventTime_SlideLongerThanDuration_NamesSlideDuration() =>
        Assert.Equal("SlideDuration", Invalid(o => o.SlideDuration = TimeSpan.FromSeconds(11)).ParamName);

    [Theory]
    [InlineData(5, 5)]
    [InlineData(5, -5)]
    [InlineData(10, 12)]
    public void WindowByEventTime_StartOffsetNotBelowSlide_NamesStartOffset(double slide, double offset) =>
        Assert.Equal("StartOffset", Invalid(o =>
        {
            o.SlideDuration = TimeSpan.FromSeconds(slide);
            o.StartOffset = TimeSpan.FromSeconds(offset);
        }).ParamName);

    [Fact]
    public void WindowByEventTime_StartOffsetJustBelowSlide_Accepted()
    {
        var o = Options(10, 5);
        o.StartOffset = TimeSpan.FromSeconds(-4.9);
        Assert.NotNull(Observable.Empty<Row>().WindowByEventTime(o));
    }

    [Fact]
    public void WindowByEventTime_OtherInvalidOptions_NameTheOption()
    {
        Assert.Equal("WatermarkDelay", Invalid(o => o.WatermarkDelay = TimeSpan.FromSeconds(-1)).ParamName);
        Assert.Equal("TriggerInterval", Invalid(o => o.TriggerInterval = TimeSpan.FromSeconds(-1)).ParamName);
        Assert.Equal("IdleTimeout", Invalid(o => o.IdleTimeout = TimeSpan.Zero).ParamName);
        Assert.Equal("Aggregates", Invalid(o => o.Aggregates.Clear()).ParamName);
        Assert.Equal("EventTime", Invalid(o => o.EventTime = null).ParamName);
        Assert.Equal("MaxOpenWindows", Invalid(o => o.MaxOpenWindows = 0).ParamName);
        Assert.Equal("MaxGroups", Invalid(o => o.MaxGroups = -1).ParamName);
        Assert.Equal("MaxStateRows", Invalid(o => o.MaxStateRows = 0).ParamName);
        Assert.Equal("MaxCompleteModeRows", Invalid(o => o.MaxCompleteModeRows = 0).ParamName);
        Assert.Equal("MaxTimeWeightedSamples", Invalid(o => o.MaxTimeWeightedSamples = 0).ParamName);
        Assert.Equal("OutputMode", Invalid(o => o.OutputMode = (WindowOutputMode)42).ParamName);
        Assert.Equal("Scheduler", Invalid(o => o.Scheduler = null!).ParamName);
        Assert.Equal("EventTimeName", Invalid(o => o.EventTimeName = null!).ParamName);
        Assert.Equal("Aggregates", Invalid(o => o.Aggregates.Add(null!)).ParamName);
    }

    [Fact]
    public void Validate_StateOfAnotherVersionOrAggregateList_NamesState()
    {
        var entry = new WindowStateEntry<string>(0, "a", false, []);
        Assert.Equal("State", Invalid(o => o.State = new(new WindowState<string>(WindowState<string>.CurrentVersion + 1, 0, 0, 0, [], [], [], false))).ParamName);
        Assert.Equal("State", Invalid(o => o.State = new(new WindowState<string>(WindowState<string>.CurrentVersion, 0, 0, 0, [entry], [], [], false))).ParamName);
    }

    [Fact]
    public void Validate_Defaults_Pass() => Options(10).Validate();

    [Fact]
    public void WindowByEventTime_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IObservable<Row>)null!).WindowByEventTime(Options(10)));
        Assert.Throws<ArgumentNullException>(() => Observable.Empty<Row>().WindowByEventTime<Row, string>(null!));
    }

    [Fact]
    public void Options_Defaults_AsDocumented()
    {
        var o = new EventTimeWindowOptions<Row, string>();
        Assert.Equal(TimeSpan.FromMinutes(10), o.WindowDuration);
        Assert.Null(o.SlideDuration);
        Assert.Equal(TimeSpan.Zero, o.StartOffset);
        Assert.Null(o.WatermarkDelay);
        Assert.Equal(WindowOutputMode.Append, o.OutputMode);
        Assert.Equal(TimeSpan.Zero, o.TriggerInterval);
        Assert.Null(o.IdleTimeout);
        Assert.Equal(100_000, o.MaxOpenWindows);
        Assert.Equal(100_000, o.MaxGroups);
        Assert.Equal(1_000_000, o.MaxStateRows);
        Assert.Equal(100_000, o.MaxCompleteModeRows);
        Assert.Equal(10_000_000, o.MaxTimeWeightedSamples);
        Assert.Equal("time", o.EventTimeName);
        Assert.Null(o.Rejected);
        Assert.Null(o.State);
        Assert.Null(o.Stats);
        Assert.True(o.NoDataBatches);
        Assert.False(o.RunEmptyBatches);
        Assert.Equal(EndOfInput.Flush, o.AtEnd);
    }
}
