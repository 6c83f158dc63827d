using Reactive.Operators.EventTime;

namespace Reactive.Operators.Tests.EventTime;

public sealed class WatermarkTrackerTests
{
    [Fact]
    public void Observe_NewerEvent_WatermarkIsMaxEventMinusDelay()
    {
        var w = new WatermarkTracker(10);
        Assert.Equal(long.MinValue, w.Ticks);
        Assert.True(w.Observe(100));
        Assert.Equal((90L, 100L), (w.Ticks, w.MaxEventTicks));
        Assert.False(w.Observe(95)); // older: nothing moves
        Assert.Equal((90L, 100L), (w.Ticks, w.MaxEventTicks));
        Assert.True(w.Observe(120));
        Assert.Equal(110, w.Ticks);
    }

    [Fact]
    public void AdvanceTo_NeverGoesBack_AndEventsBehindItDoNotMoveIt()
    {
        var w = new WatermarkTracker(10);
        w.Observe(100);
        Assert.True(w.AdvanceTo(200)); // idle: processing time passed
        Assert.False(w.AdvanceTo(150));
        Assert.False(w.Observe(205)); // 195 < 200: the newest event is remembered, the watermark stays
        Assert.Equal((200L, 205L), (w.Ticks, w.MaxEventTicks));
        Assert.True(w.Observe(215));
        Assert.Equal(205, w.Ticks);
    }

    [Fact]
    public void Observe_EventWithinTheDelayOfMinValue_NoWatermarkYet()
    {
        // long.MinValue + long.MaxValue = −1: an event before it would put the watermark below long.MinValue.
        var w = new WatermarkTracker(long.MaxValue);
        Assert.False(w.Observe(-2));
        Assert.Equal(long.MinValue, w.Ticks);
        Assert.Equal(-2, w.MaxEventTicks);
        Assert.False(w.Observe(-1)); // −1 − long.MaxValue = long.MinValue: still no watermark
        Assert.True(w.Observe(0));
        Assert.Equal(long.MinValue + 1, w.Ticks);
    }
}
