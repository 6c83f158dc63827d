using System.Globalization;
using System.Reactive;
using System.Text;

namespace Reactive.Testing;

/// <summary>
/// Assertions on recorded notifications and subscriptions. They throw <see cref="MarbleAssertException"/> with both
/// lists, their times, and a <c>&gt;</c> marker at the first difference.
/// </summary>
public static class ReactiveAssert
{
    /// <summary>
    /// Asserts the recorded notifications equal the expected ones: same times, same kinds, values equal by
    /// <see cref="EqualityComparer{T}.Default"/>, errors equal by type and message (or passing the predicate of
    /// <see cref="ReactiveTest.OnNext{T}(long, Func{T, bool})"/> / <see cref="ReactiveTest.OnError{T}(long, Func{Exception, bool})"/>).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The recorded notifications.</param>
    /// <param name="expected">The expected notifications.</param>
    /// <exception cref="MarbleAssertException">They differ.</exception>
    public static void AssertEqual<T>(this IEnumerable<Recorded<Notification<T>>> actual, params Recorded<Notification<T>>[] expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        var message = Diff("Notifications", expected, [.. actual], Matches, Format);
        if (message is not null)
        {
            throw new MarbleAssertException(message);
        }
    }

    /// <summary>Asserts the recorded subscriptions equal the expected ones, in order.</summary>
    /// <param name="actual">The recorded subscriptions.</param>
    /// <param name="expected">The expected subscriptions.</param>
    /// <exception cref="MarbleAssertException">They differ.</exception>
    public static void AssertEqual(this IEnumerable<Subscription> actual, params Subscription[] expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        var message = Diff("Subscriptions", expected, [.. actual], (e, a) => e == a, s => s.ToString());
        if (message is not null)
        {
            throw new MarbleAssertException(message);
        }
    }

    /// <summary>
    /// Asserts the recorded notifications equal a marble string, frame 0 (or its <c>^</c>) being at
    /// <paramref name="offset"/>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="actual">The recorded notifications.</param>
    /// <param name="marble">The expected marble, e.g. <c>"--a--(bc)--|"</c>.</param>
    /// <param name="values">The value of each letter; when null and T is char or string, the character itself.</param>
    /// <param name="error">The error expected at <c>#</c> (type and message); a <see cref="MarbleException"/> when null.</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <param name="offset">The absolute time of frame 0.</param>
    /// <exception cref="MarbleAssertException">They differ.</exception>
    /// <exception cref="ArgumentException">The marble string is malformed.</exception>
    public static void AssertMarbles<T>(
        this IEnumerable<Recorded<Notification<T>>> actual,
        string marble,
        IReadOnlyDictionary<char, T>? values = null,
        Exception? error = null,
        long frameTicks = 10,
        long offset = ReactiveTest.Subscribed)
    {
        ArgumentNullException.ThrowIfNull(actual);
        var expected = Marbles.Parse(marble, values, error, frameTicks, offset, allowSubscriptionPoint: true);
        var message = Diff("Notifications", [.. expected], [.. actual], Matches, Format);
        if (message is not null)
        {
            var list = actual.ToList();
            var zero = offset - (FrameOfSubscriptionPoint(marble) * frameTicks);
            var drawn = Marbles.TryRender(list, values, frameTicks, zero);
            var actualMarble = drawn is null
                ? "Actual cannot be drawn as a marble (see the list)."
                : $"Actual marble   \"{drawn}\"";
            throw new MarbleAssertException(string.Create(
                CultureInfo.InvariantCulture,
                $"Expected marble \"{marble}\" (frame {frameTicks} ticks, frame 0 at {zero}).\n{actualMarble}\n{message}"));
        }
    }

    /// <summary>
    /// Asserts the recorded subscriptions equal subscription marbles (one per subscription, in order), frame 0 at
    /// <see cref="ReactiveTest.Subscribed"/> and 10 ticks a frame: <c>"^---!"</c> is (200, 240), <c>"^"</c> never disposed.
    /// Use <see cref="Marbles.ParseSubscription"/> with <see cref="AssertEqual(IEnumerable{Subscription}, Subscription[])"/>
    /// for other frames or offsets.
    /// </summary>
    /// <param name="actual">The recorded subscriptions.</param>
    /// <param name="marbles">One subscription marble per expected subscription.</param>
    /// <exception cref="MarbleAssertException">They differ.</exception>
    /// <exception cref="ArgumentException">A marble string is malformed.</exception>
    public static void AssertSubscriptionMarbles(this IEnumerable<Subscription> actual, params string[] marbles)
    {
        ArgumentNullException.ThrowIfNull(marbles);
        actual.AssertEqual([.. marbles.Select(m => Marbles.ParseSubscription(m))]);
    }

    /// <summary>Renders a recorded notification as <c>OnNext(value)@time</c>, <c>OnError(Type: message)@time</c> or <c>OnCompleted()@time</c>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="recorded">The recorded notification.</param>
    /// <returns>The text.</returns>
    public static string Format<T>(Recorded<Notification<T>> recorded)
    {
        var n = recorded.Value;
        var what = n switch
        {
            null => "null",
            OnNextPredicate<T> or OnErrorPredicate<T> => n.ToString(),
            { Kind: NotificationKind.OnNext } => $"OnNext({FormatValue(n.Value)})",
            { Kind: NotificationKind.OnError } => $"OnError({n.Exception!.GetType().Name}: {n.Exception.Message})",
            _ => "OnCompleted()",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{what}@{recorded.Time}");
    }

    private static string FormatValue(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        char c => $"'{c}'",
        System.Collections.IEnumerable items => $"[{string.Join(", ", items.Cast<object?>().Select(FormatValue))}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };

    // The frame index of '^' ignoring spaces (0 without one): the rendered actual marble starts at the same frame 0
    // as the expected one, so the two line up when printed one above the other.
    private static long FrameOfSubscriptionPoint(string marble)
    {
        var withoutSpaces = marble.Replace(" ", string.Empty, StringComparison.Ordinal);
        var index = withoutSpaces.IndexOf('^', StringComparison.Ordinal);
        return index < 0 ? 0 : index;
    }

    private static bool Matches<T>(Recorded<Notification<T>> expected, Recorded<Notification<T>> actual)
    {
        if (expected.Time != actual.Time)
        {
            return false;
        }

        var e = expected.Value;
        var a = actual.Value;
        if (e is null || a is null)
        {
            return e is null && a is null;
        }

        return (e, a) switch
        {
            (OnNextPredicate<T> p, _) => p.Matches(a),
            (OnErrorPredicate<T> p, _) => p.Matches(a),
            (_, OnNextPredicate<T> p) => p.Matches(e),
            (_, OnErrorPredicate<T> p) => p.Matches(e),
            _ when e.Kind != a.Kind => false,
            _ when e.Kind == NotificationKind.OnNext => EqualityComparer<T>.Default.Equals(e.Value, a.Value),
            _ when e.Kind == NotificationKind.OnError =>
                e.Exception!.GetType() == a.Exception!.GetType() && e.Exception.Message == a.Exception.Message,
            _ => true,
        };
    }

    private static string? Diff<TItem>(
        string what,
        IReadOnlyList<TItem> expected,
        IReadOnlyList<TItem> actual,
        Func<TItem, TItem, bool> equal,
        Func<TItem, string> format)
    {
        var first = 0;
        while (first < expected.Count && first < actual.Count && equal(expected[first], actual[first]))
        {
            first++;
        }

        if (first == expected.Count && first == actual.Count)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{what} differ at index {first} (marked >).\n");
        List("Expected", expected);
        List("Actual", actual);
        return text.ToString().TrimEnd('\n');

        void List(string title, IReadOnlyList<TItem> items)
        {
            text.Append(CultureInfo.InvariantCulture, $"{title} ({items.Count}):\n");
            for (var i = 0; i < items.Count; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {(i == first ? '>' : ' ')} [{i}] {format(items[i])}\n");
            }

            if (first >= items.Count)
            {
                text.Append(CultureInfo.InvariantCulture, $"  > [{first}] (nothing)\n");
            }
        }
    }
}
