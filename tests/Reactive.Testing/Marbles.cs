using System.Globalization;
using System.Reactive;

namespace Reactive.Testing;

/// <summary>
/// Parses RxJS-style marble strings into recorded notifications.
/// </summary>
/// <remarks>
/// Syntax: <c>-</c> one frame; any other character a value (looked up in the map, or the character itself
/// when no map is given and T is <see cref="char"/> or <see cref="string"/>); <c>|</c> completion; <c>#</c> error;
/// <c>(ab)</c> several events in one frame; <c>^</c> the subscription point (hot marbles and expectations only);
/// spaces are ignored. Timing follows RxJS <c>TestScheduler.parseMarbles</c>
/// (github.com/ReactiveX/rxjs, packages/rxjs/src/internal/testing/TestScheduler.ts) in run mode: every character
/// except a space advances time by one frame, including <c>(</c>, <c>)</c> and <c>^</c>; the events of a group all
/// happen in the frame of its <c>(</c>, so <c>"-(ab)-c"</c> puts a and b in frame 1 and c in frame 6; frames are
/// counted from the <c>^</c> when there is one (frames before it are negative).
/// </remarks>
public static class Marbles
{
    /// <summary>Parses a marble string into notifications at absolute times.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="marble">The marble string.</param>
    /// <param name="values">The value of each letter; when null and T is char or string, the character itself.</param>
    /// <param name="error">The error sent by <c>#</c>; a <see cref="MarbleException"/> when null.</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <param name="offset">The absolute time of frame 0 (the <c>^</c> when present).</param>
    /// <param name="allowSubscriptionPoint">Whether <c>^</c> is allowed (false for cold observables).</param>
    /// <returns>The notifications, in time order.</returns>
    /// <exception cref="ArgumentException">The marble string is malformed; the message names the 0-based position.</exception>
    public static IReadOnlyList<Recorded<Notification<T>>> Parse<T>(
        string marble,
        IReadOnlyDictionary<char, T>? values = null,
        Exception? error = null,
        long frameTicks = 10,
        long offset = ReactiveTest.Subscribed,
        bool allowSubscriptionPoint = true)
    {
        ArgumentNullException.ThrowIfNull(marble);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameTicks);

        var events = new List<(long Frame, Notification<T> Notification)>();
        long frame = 0;
        long? subscriptionFrame = null;
        var groupStart = -1;
        long groupFrame = 0;
        for (var i = 0; i < marble.Length; i++)
        {
            var c = marble[i];
            var at = groupStart >= 0 ? groupFrame : frame;
            switch (c)
            {
                case ' ':
                    continue;
                case '-':
                    break;
                case '(':
                    if (groupStart >= 0)
                    {
                        throw Malformed(marble, i, $"nested '(' (the group opened at position {groupStart} is not closed)");
                    }

                    groupStart = i;
                    groupFrame = frame;
                    break;
                case ')':
                    if (groupStart < 0)
                    {
                        throw Malformed(marble, i, "')' without a matching '('");
                    }

                    groupStart = -1;
                    break;
                case '^':
                    if (!allowSubscriptionPoint)
                    {
                        throw Malformed(marble, i, "'^' is only allowed in hot marbles and expectations, not in cold ones");
                    }

                    if (subscriptionFrame is not null)
                    {
                        throw Malformed(marble, i, "a second '^'");
                    }

                    if (groupStart >= 0)
                    {
                        throw Malformed(marble, i, "'^' inside a group");
                    }

                    subscriptionFrame = frame;
                    break;
                case '|':
                    events.Add((at, Notification.CreateOnCompleted<T>()));
                    break;
                case '#':
                    events.Add((at, Notification.CreateOnError<T>(error ?? new MarbleException())));
                    break;
                default:
                    events.Add((at, Notification.CreateOnNext(Lookup(marble, i, values))));
                    break;
            }

            frame++;
        }

        if (groupStart >= 0)
        {
            throw Malformed(marble, groupStart, "'(' without a matching ')'");
        }

        var zero = subscriptionFrame ?? 0;
        var result = new Recorded<Notification<T>>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            result[i] = new(checked(((events[i].Frame - zero) * frameTicks) + offset), events[i].Notification);
        }

        return result;
    }

    /// <summary>
    /// Parses a subscription marble (RxJS <c>expectSubscriptions</c> style): <c>^</c> the subscription,
    /// <c>!</c> the disposal (absent: never disposed), <c>-</c> one frame, <c>(^!)</c> both in one frame, spaces ignored.
    /// </summary>
    /// <param name="marble">The marble, e.g. <c>"^---!"</c> or <c>"---^--!"</c>.</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <param name="offset">The absolute time of frame 0.</param>
    /// <returns>The subscription.</returns>
    /// <exception cref="ArgumentException">The marble string is malformed; the message names the 0-based position.</exception>
    public static Subscription ParseSubscription(string marble, long frameTicks = 10, long offset = ReactiveTest.Subscribed)
    {
        ArgumentNullException.ThrowIfNull(marble);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameTicks);

        long frame = 0;
        long? subscribe = null;
        long? unsubscribe = null;
        var groupStart = -1;
        long groupFrame = 0;
        for (var i = 0; i < marble.Length; i++)
        {
            var c = marble[i];
            var at = groupStart >= 0 ? groupFrame : frame;
            switch (c)
            {
                case ' ':
                    continue;
                case '-':
                    break;
                case '(' when groupStart >= 0:
                    throw Malformed(marble, i, $"nested '(' (the group opened at position {groupStart} is not closed)");
                case '(':
                    groupStart = i;
                    groupFrame = frame;
                    break;
                case ')' when groupStart < 0:
                    throw Malformed(marble, i, "')' without a matching '('");
                case ')':
                    groupStart = -1;
                    break;
                case '^' when subscribe is not null:
                    throw Malformed(marble, i, "a second '^'");
                case '^':
                    subscribe = at;
                    break;
                case '!' when subscribe is null:
                    throw Malformed(marble, i, "'!' before '^'");
                case '!' when unsubscribe is not null:
                    throw Malformed(marble, i, "a second '!'");
                case '!':
                    unsubscribe = at;
                    break;
                default:
                    throw Malformed(marble, i, $"'{c}' in a subscription marble (only '-', '^', '!', '(', ')' and spaces)");
            }

            frame++;
        }

        if (groupStart >= 0)
        {
            throw Malformed(marble, groupStart, "'(' without a matching ')'");
        }

        if (subscribe is null)
        {
            throw new ArgumentException($"Subscription marble \"{marble}\" has no '^'.", nameof(marble));
        }

        return new Subscription(
            checked((subscribe.Value * frameTicks) + offset),
            unsubscribe is null ? Subscription.Infinite : checked((unsubscribe.Value * frameTicks) + offset));
    }

    /// <summary>
    /// Renders notifications as a marble string, the inverse of <see cref="Parse{T}"/>, or returns null when they
    /// cannot be drawn (a time off the frame grid or before <paramref name="offset"/>, a value with no single
    /// character, an event inside the span of a previous group, or more than 1000 frames).
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="messages">The notifications, in time order.</param>
    /// <param name="values">The value map used to find each value's character (first key whose value is equal).</param>
    /// <param name="frameTicks">The ticks of one frame.</param>
    /// <param name="offset">The absolute time of frame 0.</param>
    /// <returns>The marble, or null.</returns>
    public static string? TryRender<T>(
        IEnumerable<Recorded<Notification<T>>> messages,
        IReadOnlyDictionary<char, T>? values = null,
        long frameTicks = 10,
        long offset = ReactiveTest.Subscribed)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameTicks);
        const long MaxFrames = 1000;

        var text = new System.Text.StringBuilder();
        long nextFrame = 0;
        var list = messages.ToList();
        for (var i = 0; i < list.Count;)
        {
            var time = list[i].Time;
            var end = i;
            while (end < list.Count && list[end].Time == time)
            {
                end++;
            }

            if (time < offset || (time - offset) % frameTicks != 0)
            {
                return null;
            }

            var frame = (time - offset) / frameTicks;
            if (frame < nextFrame || frame > MaxFrames)
            {
                return null;
            }

            text.Append('-', (int)(frame - nextFrame));
            if (end - i > 1)
            {
                text.Append('(');
            }

            for (var j = i; j < end; j++)
            {
                var symbol = Symbol(list[j].Value, values);
                if (symbol is null)
                {
                    return null;
                }

                text.Append(symbol.Value);
            }

            if (end - i > 1)
            {
                text.Append(')');
                nextFrame = frame + (end - i) + 2;
            }
            else
            {
                nextFrame = frame + 1;
            }

            i = end;
        }

        return text.ToString();
    }

    private static char? Symbol<T>(Notification<T> notification, IReadOnlyDictionary<char, T>? values)
    {
        if (notification is OnNextPredicate<T> or OnErrorPredicate<T>)
        {
            return null;
        }

        switch (notification.Kind)
        {
            case NotificationKind.OnError:
                return '#';
            case NotificationKind.OnCompleted:
                return '|';
        }

        var value = notification.Value;
        if (values is not null)
        {
            foreach (var (key, candidate) in values)
            {
                if (EqualityComparer<T>.Default.Equals(candidate, value))
                {
                    return key;
                }
            }

            return null;
        }

        return value switch
        {
            char c when !IsSpecial(c) => c,
            string { Length: 1 } s when !IsSpecial(s[0]) => s[0],
            _ => null,
        };
    }

    private static bool IsSpecial(char c) => c is ' ' or '-' or '(' or ')' or '^' or '|' or '#';

    private static T Lookup<T>(string marble, int position, IReadOnlyDictionary<char, T>? values)
    {
        var c = marble[position];
        if (values is not null)
        {
            return values.TryGetValue(c, out var value)
                ? value
                : throw Malformed(marble, position, $"unknown marble character '{c}' (not in the value map)");
        }

        if (typeof(T) == typeof(char))
        {
            return (T)(object)c;
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)c.ToString();
        }

        throw Malformed(marble, position, $"value '{c}' needs a value map (T is {typeof(T).Name}, not char or string)");
    }

    private static ArgumentException Malformed(string marble, int position, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Marble \"{marble}\": {what} at position {position} (0-based)."), nameof(marble));
}
