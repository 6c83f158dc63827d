namespace Reactive.Sources.Tests.Common;

/// <summary>An observer that records what it sees and lets a test wait, with a timeout, for a condition.</summary>
internal sealed class Collector<T> : IObserver<T>, IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private Exception? _error;
    private bool _completed;

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public Exception? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    public bool Completed
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    public void OnNext(T value)
    {
        lock (_gate)
        {
            _items.Add(value);
        }

        _changed.Release();
    }

    public void OnError(Exception error)
    {
        lock (_gate)
        {
            _error = error;
        }

        _changed.Release();
    }

    public void OnCompleted()
    {
        lock (_gate)
        {
            _completed = true;
        }

        _changed.Release();
    }

    public Task<IReadOnlyList<T>> WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitAsync(items => items.Count >= count, $"{count} item(s)", timeout);

    public async Task<IReadOnlyList<T>> WaitAsync(Func<IReadOnlyList<T>, bool> until, string what, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var items = Items;
            if (until(items))
            {
                return items;
            }

            if (Error is { } error)
            {
                throw new InvalidOperationException($"Waiting for {what}, got an error instead; items so far: [{string.Join(", ", items)}]", error);
            }

            try
            {
                await _changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}; items so far: [{string.Join(", ", Items)}]");
            }
        }
    }

    public async Task<Exception> WaitForErrorAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (Error is null)
        {
            try
            {
                await _changed.WaitAsync(cancellation.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for an error; items so far: [{string.Join(", ", Items)}]");
            }
        }

        return Error;
    }

    public void Dispose() => _changed.Dispose();
}
