using System.Reactive;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Testing.Tests;

public sealed class MarbleParsingTests
{
    private static readonly Dictionary<char, int> Numbers = new() { ['a'] = 1, ['b'] = 2, ['c'] = 3, ['1'] = 100 };

    [Fact]
    public void Parse_DashesAndValues_OneFramePerCharacter()
    {
        var parsed = Marbles.Parse<char>("-a--b|", offset: 0);

        parsed.AssertEqual(OnNext(10, 'a'), OnNext(40, 'b'), OnCompleted<char>(50));
    }

    [Fact]
    public void Parse_ValueMap_LooksUpLettersAndDigits()
    {
        var parsed = Marbles.Parse("a-1-c", Numbers, offset: 0);

        parsed.AssertEqual(OnNext(0, 1), OnNext(20, 100), OnNext(40, 3));
    }

    [Fact]
    public void Parse_StringWithoutMap_UsesCharacterAsString()
    {
        var parsed = Marbles.Parse<string>("x-y", offset: 0);

        parsed.AssertEqual(OnNext(0, "x"), OnNext(20, "y"));
    }

    [Fact]
    public void Parse_Group_AllInFrameOfParen_ThenTimeAdvancesByGroupLength()
    {
        // RxJS: "-(ab)-c": a and b in frame 1; '(' 'a' 'b' ')' take frames 1..4, '-' frame 5, c frame 6.
        var parsed = Marbles.Parse<char>("-(ab)-c", offset: 0);

        parsed.AssertEqual(OnNext(10, 'a'), OnNext(10, 'b'), OnNext(60, 'c'));
    }

    [Fact]
    public void Parse_GroupWithCompletion_CompletesInSameFrame()
    {
        var parsed = Marbles.Parse<char>("--(a|)", offset: 0);

        parsed.AssertEqual(OnNext(20, 'a'), OnCompleted<char>(20));
    }

    [Fact]
    public void Parse_SpacesIgnored()
    {
        var spaced = Marbles.Parse<char>("  - a -  - b |", offset: 0);
        var plain = Marbles.Parse<char>("-a--b|", offset: 0);

        spaced.AssertEqual([.. plain]);
        spaced.AssertEqual(OnNext(10, 'a'), OnNext(40, 'b'), OnCompleted<char>(50));
    }

    [Fact]
    public void Parse_SubscriptionPoint_IsFrameZero_EarlierFramesNegative()
    {
        // '^' is frame 0 (at the offset 200); "a-" before it are frames -3 and -2, '^' itself takes a frame.
        var parsed = Marbles.Parse<char>("a-b^-c|");

        parsed.AssertEqual(OnNext(170, 'a'), OnNext(190, 'b'), OnNext(220, 'c'), OnCompleted<char>(230));
    }

    [Fact]
    public void Parse_Offset_ShiftsAllTimes()
    {
        var parsed = Marbles.Parse<char>("-a", offset: 1000);

        parsed.AssertEqual(OnNext(1010, 'a'));
    }

    [Fact]
    public void Parse_FrameTicks_ScalesTime()
    {
        var second = Ticks.FromSeconds(1);

        var parsed = Marbles.Parse<char>("--a", frameTicks: second, offset: 0);

        parsed.AssertEqual(OnNext(2 * TimeSpan.TicksPerSecond, 'a'));
    }

    [Fact]
    public void Parse_ErrorWithoutException_IsMarbleException()
    {
        var parsed = Marbles.Parse<char>("-#", offset: 0);

        var single = Assert.Single(parsed);
        Assert.Equal(10, single.Time);
        Assert.Equal(NotificationKind.OnError, single.Value.Kind);
        var error = Assert.IsType<MarbleException>(single.Value.Exception);
        Assert.Equal("marble error", error.Message);
    }

    [Fact]
    public void Parse_ErrorWithException_UsesIt()
    {
        var boom = new TimeoutException("late");

        var parsed = Marbles.Parse<char>("--#", error: boom, offset: 0);

        Assert.Same(boom, Assert.Single(parsed).Value.Exception);
    }

    [Theory]
    [InlineData("--a(b", 3, "'(' without a matching ')'")]
    [InlineData("-a)-", 2, "')' without a matching '('")]
    [InlineData("(a(b))", 2, "nested '('")]
    [InlineData("-^-^", 3, "a second '^'")]
    [InlineData("(^a)", 1, "'^' inside a group")]
    public void Parse_Malformed_ThrowsNamingPosition(string marble, int position, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => Marbles.Parse<char>(marble));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains($"at position {position} ", error.Message, StringComparison.Ordinal);
        Assert.Equal("marble", error.ParamName);
    }

    [Fact]
    public void Cold_SubscriptionPoint_Throws()
    {
        var scheduler = new TestScheduler();

        var error = Assert.Throws<ArgumentException>(() => scheduler.Cold<char>("-^-a"));

        Assert.Contains("'^' is only allowed in hot marbles", error.Message, StringComparison.Ordinal);
        Assert.Contains("at position 1 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownLetter_ThrowsNamingPosition()
    {
        var error = Assert.Throws<ArgumentException>(() => Marbles.Parse("a-b-z", Numbers));

        Assert.Contains("unknown marble character 'z'", error.Message, StringComparison.Ordinal);
        Assert.Contains("at position 4 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValueWithoutMapForOtherType_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Marbles.Parse<int>("-1"));

        Assert.Contains("needs a value map", error.Message, StringComparison.Ordinal);
        Assert.Contains("at position 1 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NonPositiveFrame_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Marbles.Parse<char>("-a", frameTicks: 0));
    }

    [Fact]
    public void Hot_WithoutSubscriptionPoint_FrameZeroAtSubscribed()
    {
        var scheduler = new TestScheduler();

        var xs = scheduler.Hot<char>("a-b|");

        xs.Messages.AssertEqual(OnNext(200, 'a'), OnNext(220, 'b'), OnCompleted<char>(230));
    }

    [Fact]
    public void Hot_ValuesBeforeSubscriptionPoint_AreMissedByStart()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Hot<char>("-a-^-b-|");

        var observer = scheduler.Start(() => xs);

        // a at 200 - 20 = 180 is before the subscription at 200; b at 220, | at 240.
        observer.Messages.AssertEqual(OnNext(220, 'b'), OnCompleted<char>(240));
        xs.Subscriptions.AssertEqual(Subscribe(200, 1000));
    }

    [Fact]
    public void Hot_CustomOffset_MovesSubscriptionPoint()
    {
        var scheduler = new TestScheduler();

        var xs = scheduler.Hot<char>("-a^b", offset: 500);

        xs.Messages.AssertEqual(OnNext(490, 'a'), OnNext(510, 'b'));
    }

    [Fact]
    public void Cold_FrameZeroAtEachSubscription()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.Cold<char>("a-(bc)-|");

        var observer = scheduler.Start(() => xs);

        // a frame 0, b and c frame 2, '|' frame 7 (the group takes 4 frames: 2..5, then '-' 6).
        observer.Messages.AssertEqual(
            OnNext(200, 'a'), OnNext(220, 'b'), OnNext(220, 'c'), OnCompleted<char>(270));
    }

    [Fact]
    public void Cold_ErrorMarble_SendsGivenException()
    {
        var scheduler = new TestScheduler();
        var boom = new InvalidOperationException("boom");

        var observer = scheduler.Start(() => scheduler.Cold<char>("--#", error: boom));

        Assert.Same(boom, Assert.Single(observer.Messages).Value.Exception);
        observer.Messages.AssertMarbles("--#", error: boom);
    }

    [Theory]
    [InlineData("^---!", 200, 240)]
    [InlineData("--^-!", 220, 240)]
    [InlineData(" ^ - ! ", 200, 220)]
    [InlineData("-(^!)", 210, 210)]
    [InlineData("^", 200, Subscription.Infinite)]
    public void ParseSubscription_Valid(string marble, long subscribe, long unsubscribe)
    {
        Assert.Equal(new Subscription(subscribe, unsubscribe), Marbles.ParseSubscription(marble));
    }

    [Fact]
    public void ParseSubscription_CustomFrameAndOffset()
    {
        Assert.Equal(new Subscription(1100, 1300), Marbles.ParseSubscription("-^-!", frameTicks: 100, offset: 1000));
    }

    [Theory]
    [InlineData("--!", "'!' before '^'")]
    [InlineData("^-a", "'a' in a subscription marble")]
    [InlineData("^^", "a second '^'")]
    [InlineData("^!!", "a second '!'")]
    [InlineData("(^!", "'(' without a matching ')'")]
    [InlineData("---", "has no '^'")]
    public void ParseSubscription_Malformed_Throws(string marble, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => Marbles.ParseSubscription(marble));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-a--b|")]
    [InlineData("a-(bc)-d#")]
    [InlineData("--(a|)")]
    [InlineData("")]
    public void TryRender_RoundTripsParse(string marble)
    {
        var parsed = Marbles.Parse<char>(marble);

        Assert.Equal(marble, Marbles.TryRender(parsed));
    }

    [Fact]
    public void TryRender_UsesValueMap()
    {
        var parsed = Marbles.Parse("1-a", Numbers);

        Assert.Equal("1-a", Marbles.TryRender(parsed, Numbers));
    }

    [Fact]
    public void TryRender_NotDrawable_ReturnsNull()
    {
        Assert.Null(Marbles.TryRender([OnNext(205, 'a')]));
        Assert.Null(Marbles.TryRender([OnNext(190, 'a')]));
        Assert.Null(Marbles.TryRender([OnNext(200, "ab")]));
        Assert.Null(Marbles.TryRender([OnNext(200, 9)]));
        // b at frame 2 falls inside the span of the group (frames 0..3).
        Assert.Null(Marbles.TryRender([OnNext(200, 'a'), OnNext(200, 'x'), OnNext(220, 'b')]));
    }
}
