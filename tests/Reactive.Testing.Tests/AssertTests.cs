using static Reactive.Testing.ReactiveTest;

namespace Reactive.Testing.Tests;

public sealed class AssertTests
{
    [Fact]
    public void AssertEqual_Same_Passes()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnNext(210, 1), OnCompleted<int>(220)];

        actual.AssertEqual(OnNext(210, 1), OnCompleted<int>(220));
    }

    [Fact]
    public void AssertEqual_DifferentValue_MessageListsBothWithMarker()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnNext(210, 1), OnNext(220, 5), OnCompleted<int>(230)];

        var error = Assert.Throws<MarbleAssertException>(
            () => actual.AssertEqual(OnNext(210, 1), OnNext(220, 2), OnCompleted<int>(230)));

        Assert.Equal(
            """
            Notifications differ at index 1 (marked >).
            Expected (3):
                [0] OnNext(1)@210
              > [1] OnNext(2)@220
                [2] OnCompleted()@230
            Actual (3):
                [0] OnNext(1)@210
              > [1] OnNext(5)@220
                [2] OnCompleted()@230
            """.ReplaceLineEndings("\n"),
            error.Message);
    }

    [Fact]
    public void AssertEqual_DifferentTime_Fails()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnNext(211, 1)];

        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(OnNext(210, 1)));

        Assert.Contains("> [0] OnNext(1)@210", error.Message, StringComparison.Ordinal);
        Assert.Contains("> [0] OnNext(1)@211", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertEqual_ActualShorter_MarksMissing()
    {
        Recorded<System.Reactive.Notification<string>>[] actual = [OnNext(210, "x")];

        var error = Assert.Throws<MarbleAssertException>(
            () => actual.AssertEqual(OnNext(210, "x"), OnCompleted<string>(220)));

        Assert.Equal(
            """
            Notifications differ at index 1 (marked >).
            Expected (2):
                [0] OnNext("x")@210
              > [1] OnCompleted()@220
            Actual (1):
                [0] OnNext("x")@210
              > [1] (nothing)
            """.ReplaceLineEndings("\n"),
            error.Message);
    }

    [Fact]
    public void AssertEqual_ActualLonger_Fails()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [OnNext(210, 'a'), OnNext(220, 'b')];

        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(OnNext(210, 'a')));

        Assert.Contains("Expected (1):", error.Message, StringComparison.Ordinal);
        Assert.Contains("> [1] (nothing)", error.Message, StringComparison.Ordinal);
        Assert.Contains("> [1] OnNext('b')@220", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertEqual_ErrorsOfSameTypeAndMessage_AreEqual()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnError<int>(250, new InvalidOperationException("boom"))];

        actual.AssertEqual(OnError<int>(250, new InvalidOperationException("boom")));
    }

    [Theory]
    [InlineData(typeof(InvalidOperationException), "other")]
    [InlineData(typeof(ArgumentException), "boom")]
    public void AssertEqual_ErrorsDifferingInTypeOrMessage_Fail(Type type, string message)
    {
        var other = (Exception)Activator.CreateInstance(type, message)!;
        Recorded<System.Reactive.Notification<int>>[] actual = [OnError<int>(250, other)];

        var error = Assert.Throws<MarbleAssertException>(
            () => actual.AssertEqual(OnError<int>(250, new InvalidOperationException("boom"))));

        Assert.Contains("> [0] OnError(InvalidOperationException: boom)@250", error.Message, StringComparison.Ordinal);
        Assert.Contains($"> [0] OnError({type.Name}: {message})@250", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertEqual_KindsDiffer_Fail()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnCompleted<int>(250)];

        Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(OnNext(250, 0)));
    }

    [Fact]
    public void AssertEqual_OnNextPredicate_MatchesByPredicate()
    {
        Recorded<System.Reactive.Notification<double>>[] actual = [OnNext(210, 0.1 + 0.2)];

        actual.AssertEqual(OnNext<double>(210, v => Math.Abs(v - 0.3) < 1e-9));
        var error = Assert.Throws<MarbleAssertException>(
            () => actual.AssertEqual(OnNext<double>(210, v => v > 1)));
        Assert.Contains("> [0] OnNext(<predicate>)@210", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertEqual_OnNextPredicate_DoesNotMatchOtherKinds()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnCompleted<int>(210)];

        Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(OnNext<int>(210, _ => true)));
    }

    [Fact]
    public void AssertEqual_OnErrorPredicate_MatchesByPredicate()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnError<int>(300, new TimeoutException("after 5s"))];

        actual.AssertEqual(OnError<int>(300, e => e is TimeoutException && e.Message.Contains("5s", StringComparison.Ordinal)));
        Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(OnError<int>(300, e => e is ArgumentException)));
    }

    [Fact]
    public void PredicateNotification_CannotBePlayed()
    {
        var scheduler = new TestScheduler();
        var xs = scheduler.CreateColdObservable(OnNext<int>(10, _ => true));

        Assert.Throws<NotSupportedException>(() => scheduler.Start(() => xs));
    }

    [Fact]
    public void Subscriptions_AssertEqual_DiffShowsInfinite()
    {
        Subscription[] actual = [Subscribe(200, 1000), Subscribe(300)];

        actual.AssertEqual(Subscribe(200, 1000), Subscribe(300, Subscription.Infinite));
        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertEqual(Subscribe(200, 1000), Subscribe(300, 400)));

        Assert.Equal(
            """
            Subscriptions differ at index 1 (marked >).
            Expected (2):
                [0] (200, 1000)
              > [1] (300, 400)
            Actual (2):
                [0] (200, 1000)
              > [1] (300, Infinite)
            """.ReplaceLineEndings("\n"),
            error.Message);
    }

    [Fact]
    public void AssertMarbles_Matching_Passes()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [OnNext(210, 'a'), OnNext(230, 'b'), OnNext(230, 'c'), OnCompleted<char>(280)];

        // a frame 1; (bc) frame 3 and occupies frames 3..6; '-' 7; '|' frame 8.
        actual.AssertMarbles("-a-(bc)-|");
    }

    [Fact]
    public void AssertMarbles_WithMapAndOffsetAndFrame_Passes()
    {
        Recorded<System.Reactive.Notification<int>>[] actual = [OnNext(1000 + (2 * 50), 7)];

        actual.AssertMarbles("--x", new Dictionary<char, int> { ['x'] = 7 }, frameTicks: 50, offset: 1000);
    }

    [Fact]
    public void AssertMarbles_Mismatch_MessageNamesMarbleAndDiff()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [OnNext(210, 'a'), OnNext(240, 'b')];

        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertMarbles("-a-b|"));

        Assert.Equal(
            """
            Expected marble "-a-b|" (frame 10 ticks, frame 0 at 200).
            Actual marble   "-a--b"
            Notifications differ at index 1 (marked >).
            Expected (3):
                [0] OnNext('a')@210
              > [1] OnNext('b')@230
                [2] OnCompleted()@240
            Actual (2):
                [0] OnNext('a')@210
              > [1] OnNext('b')@240
            """.ReplaceLineEndings("\n"),
            error.Message);
    }

    [Fact]
    public void AssertMarbles_DefaultError_MatchesMarbleExceptionOnly()
    {
        Recorded<System.Reactive.Notification<char>>[] marbleError = [OnError<char>(220, new MarbleException())];
        Recorded<System.Reactive.Notification<char>>[] otherError = [OnError<char>(220, new InvalidOperationException("marble error"))];

        marbleError.AssertMarbles("--#");
        Assert.Throws<MarbleAssertException>(() => otherError.AssertMarbles("--#"));
    }

    [Fact]
    public void AssertMarbles_Empty_MeansNothingHappened()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [];

        actual.AssertMarbles("----");
        actual.AssertMarbles("");
    }

    [Fact]
    public void AssertMarbles_ActualNotDrawable_SaysSo()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [OnNext(215, 'a')];

        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertMarbles("-a"));

        Assert.Contains("Actual cannot be drawn as a marble", error.Message, StringComparison.Ordinal);
        Assert.Contains("> [0] OnNext('a')@215", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertMarbles_WithSubscriptionPoint_DrawsActualFromSameFrameZero()
    {
        Recorded<System.Reactive.Notification<char>>[] actual = [OnNext(190, 'a'), OnNext(220, 'c')];

        actual.AssertMarbles("-a^-c");
        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertMarbles("-a^-b"));

        // '^' (frame 2) is at 200, so frame 0 is at 180: a at 190 is frame 1, c at 220 frame 4.
        Assert.Contains("Expected marble \"-a^-b\" (frame 10 ticks, frame 0 at 180).", error.Message, StringComparison.Ordinal);
        Assert.Contains("Actual marble   \"-a--c\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertSubscriptionMarbles_MatchesEachSubscription()
    {
        Subscription[] actual = [Subscribe(200, 240), Subscribe(240), Subscribe(260, 260)];

        actual.AssertSubscriptionMarbles("^---!", "----^", "------(^!)");
        var error = Assert.Throws<MarbleAssertException>(() => actual.AssertSubscriptionMarbles("^--!", "----^", "------(^!)"));
        Assert.Contains("> [0] (200, 230)", error.Message, StringComparison.Ordinal);
        Assert.Contains("> [0] (200, 240)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_CollectionsAndCulture_AreReadable()
    {
        Assert.Equal("OnNext([1, 2])@300", ReactiveAssert.Format(OnNext<IList<int>>(300, new List<int> { 1, 2 })));
        Assert.Equal("OnNext(1.5)@10", ReactiveAssert.Format(OnNext(10, 1.5)));
        Assert.Equal("OnNext(null)@10", ReactiveAssert.Format(OnNext(10, (string?)null)));
    }
}
