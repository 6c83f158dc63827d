using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace Reactive.Sources.Samples;

/// <summary>
/// An embedded feed of text lines, one every <c>interval</c> on a scheduler, cycling through a
/// short sample text. It lets the service show results on a fresh machine with nothing else running.
/// </summary>
public static class SampleTextSource
{
    /// <summary>The embedded text: the opening of Lewis Carroll's "Alice's Adventures in Wonderland" (public domain).</summary>
    public static IReadOnlyList<string> Lines { get; } =
    [
        "Alice was beginning to get very tired of sitting by her sister on the bank",
        "and of having nothing to do once or twice she had peeped into the book her sister was reading",
        "but it had no pictures or conversations in it",
        "and what is the use of a book thought Alice without pictures or conversations",
        "So she was considering in her own mind as well as she could for the hot day made her feel very sleepy and stupid",
        "whether the pleasure of making a daisy chain would be worth the trouble of getting up and picking the daisies",
        "when suddenly a White Rabbit with pink eyes ran close by her",
    ];

    /// <summary>Emits the sample lines, one per <paramref name="interval"/>, forever (or <paramref name="count"/> lines).</summary>
    public static IObservable<string> Create(TimeSpan interval, IScheduler scheduler, long? count = null, IReadOnlyList<string>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        if (count is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The number of lines cannot be negative.");
        }

        var text = lines ?? Lines;
        if (text.Count == 0)
        {
            throw new ArgumentException("The sample text needs at least one line.", nameof(lines));
        }

        var ticks = Observable.Interval(interval, scheduler);
        if (count is { } n)
        {
            ticks = ticks.Take(checked((int)Math.Min(n, int.MaxValue)));
        }

        return ticks.Select(i => text[(int)(i % text.Count)]);
    }
}
