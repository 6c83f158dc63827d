using System.Reactive;

namespace Reactive.Testing;

/// <summary>An expectation only: an OnNext whose value must pass a predicate (cannot be replayed).</summary>
internal sealed class OnNextPredicate<T>(Func<T, bool> predicate) : Notification<T>
{
    public override T Value => throw new NotSupportedException("A predicate expectation has no value.");

    public override bool HasValue => true;

    public override Exception? Exception => null;

    public override NotificationKind Kind => NotificationKind.OnNext;

    public bool Matches(Notification<T> actual) => actual.Kind == NotificationKind.OnNext && predicate(actual.Value);

    public override bool Equals(Notification<T>? other) =>
        ReferenceEquals(this, other) || (other is not null && other is not OnNextPredicate<T> && Matches(other));

    public override int GetHashCode() => (int)NotificationKind.OnNext;

    public override string ToString() => "OnNext(<predicate>)";

    public override void Accept(IObserver<T> observer) => throw NotReplayable();

    public override TResult Accept<TResult>(IObserver<T, TResult> observer) => throw NotReplayable();

    public override void Accept(Action<T> onNext, Action<Exception> onError, Action onCompleted) => throw NotReplayable();

    public override TResult Accept<TResult>(Func<T, TResult> onNext, Func<Exception, TResult> onError, Func<TResult> onCompleted) =>
        throw NotReplayable();

    internal static NotSupportedException NotReplayable() =>
        new("A predicate notification is an expectation only; it cannot be played by a test observable.");
}

/// <summary>An expectation only: an OnError whose exception must pass a predicate (cannot be replayed).</summary>
internal sealed class OnErrorPredicate<T>(Func<Exception, bool> predicate) : Notification<T>
{
    public override T Value => throw new NotSupportedException("An OnError expectation has no value.");

    public override bool HasValue => false;

    public override Exception? Exception => null;

    public override NotificationKind Kind => NotificationKind.OnError;

    public bool Matches(Notification<T> actual) => actual.Kind == NotificationKind.OnError && predicate(actual.Exception!);

    public override bool Equals(Notification<T>? other) =>
        ReferenceEquals(this, other) || (other is not null && other is not OnErrorPredicate<T> && Matches(other));

    public override int GetHashCode() => (int)NotificationKind.OnError;

    public override string ToString() => "OnError(<predicate>)";

    public override void Accept(IObserver<T> observer) => throw OnNextPredicate<T>.NotReplayable();

    public override TResult Accept<TResult>(IObserver<T, TResult> observer) => throw OnNextPredicate<T>.NotReplayable();

    public override void Accept(Action<T> onNext, Action<Exception> onError, Action onCompleted) =>
        throw OnNextPredicate<T>.NotReplayable();

    public override TResult Accept<TResult>(Func<T, TResult> onNext, Func<Exception, TResult> onError, Func<TResult> onCompleted) =>
        throw OnNextPredicate<T>.NotReplayable();
}
