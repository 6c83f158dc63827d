using System.Reactive;

namespace Reactive.Testing;

/// <summary>An observable that plays scripted notifications in virtual time and records its subscriptions.</summary>
/// <typeparam name="T">The element type.</typeparam>
public interface ITestableObservable<T> : IObservable<T>
{
    /// <summary>Gets every subscription made so far, with its subscribe and unsubscribe times.</summary>
    IList<Subscription> Subscriptions { get; }

    /// <summary>Gets the scripted notifications (absolute times for hot observables, relative for cold ones).</summary>
    IList<Recorded<Notification<T>>> Messages { get; }
}
