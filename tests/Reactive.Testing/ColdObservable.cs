using System.Reactive;
using System.Reactive.Disposables;

namespace Reactive.Testing;

/// <summary>
/// Replays the scripted notifications to each subscriber, times relative to its subscription (shape of Rx.NET's
/// Microsoft.Reactive.Testing ColdObservable).
/// </summary>
internal sealed class ColdObservable<T>(TestScheduler scheduler, Recorded<Notification<T>>[] messages) : ITestableObservable<T>
{
    private readonly List<Subscription> _subscriptions = [];
    private readonly List<Recorded<Notification<T>>> _messages = [.. messages];

    public IList<Subscription> Subscriptions => _subscriptions;

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _subscriptions.Add(new Subscription(scheduler.Clock));
        var index = _subscriptions.Count - 1;
        var pending = new CompositeDisposable();
        foreach (var message in _messages)
        {
            pending.Add(scheduler.ScheduleRelative(message.Value, message.Time, (_, n) =>
            {
                n.Accept(observer);
                return Disposable.Empty;
            }));
        }

        return Disposable.Create(() =>
        {
            _subscriptions[index] = _subscriptions[index] with { Unsubscribe = scheduler.Clock };
            pending.Dispose();
        });
    }
}
