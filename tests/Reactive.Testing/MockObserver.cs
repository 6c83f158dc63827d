using System.Reactive;

namespace Reactive.Testing;

/// <summary>Records each notification with the scheduler's clock at its arrival.</summary>
internal sealed class MockObserver<T>(TestScheduler scheduler) : ITestableObserver<T>
{
    private readonly List<Recorded<Notification<T>>> _messages = [];

    public IList<Recorded<Notification<T>>> Messages => _messages;

    public void OnNext(T value) => _messages.Add(new(scheduler.Clock, Notification.CreateOnNext(value)));

    public void OnError(Exception error) => _messages.Add(new(scheduler.Clock, Notification.CreateOnError<T>(error)));

    public void OnCompleted() => _messages.Add(new(scheduler.Clock, Notification.CreateOnCompleted<T>()));
}
