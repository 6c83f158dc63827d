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
