using System.Reactive;
using System.Reactive.Disposables;

namespace Reactive.Testing;

/// <summary>
/// Fires each scripted notification at its absolute time to whoever is subscribed then (shape of Rx.NET's
/// Microsoft.Reactive.Testing HotObservable).
/// </summary>
internal sealed class HotObservable<T> : ITestableObservable<T>
{
    private readonly TestScheduler _scheduler;
    private readonly List<IObserver<T>> _observers = [];
    private readonly List<Subscription> _subscriptions = [];
    private readonly List<Recorded<Notification<T>>> _messages;

    public HotObservable(TestScheduler scheduler, Recorded<Notification<T>>[] messages)
    {
        _scheduler = scheduler;
        _messages = [.. messages];
        foreach (var message in _messages)
        {
            var notification = message.Value;
            scheduler.ScheduleAbsolute(notification, message.Time, (_, n) =>
            {
                // A copy: an observer may unsubscribe (or a new one subscribe) while being notified.
                foreach (var observer in _observers.ToArray())
                {
                    n.Accept(observer);
                }

                return Disposable.Empty;
            });
        }
    }

    public IList<Subscription> Subscriptions => _subscriptions;

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Add(observer);
        _subscriptions.Add(new Subscription(_scheduler.Clock));
        var index = _subscriptions.Count - 1;
        return Disposable.Create(() =>
        {
            _observers.Remove(observer);
            _subscriptions[index] = _subscriptions[index] with { Unsubscribe = _scheduler.Clock };
        });
    }
}
