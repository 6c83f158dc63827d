using System.Reactive;

namespace Reactive.Testing;

/// <summary>
/// Factory helpers for expected notifications and subscriptions, and the default times of
/// <see cref="TestScheduler.Start{T}(Func{IObservable{T}})"/>. Use with <c>using static Reactive.Testing.ReactiveTest;</c>.
/// </summary>
public static class ReactiveTest
{
    /// <summary>The default virtual time at which <see cref="TestScheduler.Start{T}(Func{IObservable{T}})"/> creates the observable.</summary>
    public const long Created = 100;

    /// <summary>The default virtual time of the subscription (also frame 0 of marble assertions and hot marbles).</summary>
    public const long Subscribed = 200;

    /// <summary>The default virtual time at which the subscription is disposed.</summary>
    public const long Disposed = 1000;

    /// <summary>An OnNext notification at a time.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="time">The virtual time.</param>
    /// <param name="value">The value.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnNext<T>(long time, T value) => new(time, Notification.CreateOnNext(value));

    /// <summary>An expected OnNext notification at a time whose value satisfies a predicate.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="time">The virtual time.</param>
    /// <param name="predicate">The test the value must pass.</param>
    /// <returns>The recorded notification (only meaningful as an expectation).</returns>
    public static Recorded<Notification<T>> OnNext<T>(long time, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(time, new OnNextPredicate<T>(predicate));
    }

    /// <summary>An OnCompleted notification at a time.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="time">The virtual time.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnCompleted<T>(long time) => new(time, Notification.CreateOnCompleted<T>());

    /// <summary>An OnError notification at a time; it matches an actual error of the same type and message.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="time">The virtual time.</param>
    /// <param name="error">The exception.</param>
    /// <returns>The recorded notification.</returns>
    public static Recorded<Notification<T>> OnError<T>(long time, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(time, Notification.CreateOnError<T>(error));
    }

    /// <summary>An expected OnError notification at a time whose exception satisfies a predicate.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="time">The virtual time.</param>
    /// <param name="predicate">The test the exception must pass.</param>
    /// <returns>The recorded notification (only meaningful as an expectation).</returns>
    public static Recorded<Notification<T>> OnError<T>(long time, Func<Exception, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return new(time, new OnErrorPredicate<T>(predicate));
    }

    /// <summary>A subscription made at <paramref name="start"/> and disposed at <paramref name="end"/>.</summary>
    /// <param name="start">The subscribe time.</param>
    /// <param name="end">The unsubscribe time.</param>
    /// <returns>The subscription.</returns>
    public static Subscription Subscribe(long start, long end) => new(start, end);

    /// <summary>A subscription made at <paramref name="start"/> and never disposed.</summary>
    /// <param name="start">The subscribe time.</param>
    /// <returns>The subscription.</returns>
    public static Subscription Subscribe(long start) => new(start);
}
