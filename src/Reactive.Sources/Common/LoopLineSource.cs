using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace Reactive.Sources;

/// <summary>
/// What the socket and directory sources share: the status and dead-letter outputs, and one
/// background loop per connection or scan, started by the first subscriber, shared by all, and
/// cancelled when the last one is disposed.
/// </summary>
internal abstract class LoopLineSource : ILineSource
{
    private readonly IObservable<SourceLine> _lines;

    /// <summary>Creates the source for <paramref name="origin"/> (host:port, a directory).</summary>
    protected LoopLineSource(string origin)
    {
        Signals = new SourceSignals(origin);
        _lines = Observable.Create<SourceLine>(observer => StartLoop(token => RunAsync(observer, token))).Publish().RefCount();
    }

    /// <inheritdoc />
    public IObservable<SourceRejected> Rejected => Signals.Rejected;

    /// <inheritdoc />
    public IObservable<SourceStatus> Status => Signals.Status;

    /// <inheritdoc />
    public SourceStatus Current => Signals.Current;

    /// <inheritdoc />
    public abstract bool CanReplay { get; }

    /// <summary>The status and dead-letter outputs the loop publishes to.</summary>
    internal SourceSignals Signals { get; }

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<SourceLine> observer) => _lines.Subscribe(observer);

    /// <summary>Runs one connection or scan loop into <paramref name="observer"/> until <paramref name="cancellation"/>.</summary>
    private protected abstract Task RunAsync(IObserver<SourceLine> observer, CancellationToken cancellation);

    /// <summary>Starts <paramref name="run"/> on the thread pool; disposing the result cancels it.</summary>
    private protected static IDisposable StartLoop(Func<CancellationToken, Task> run)
    {
        var cancellation = new CancellationTokenSource();
        var token = cancellation.Token;
        _ = Task.Run(() => run(token), CancellationToken.None);
        return Disposable.Create(() =>
        {
            cancellation.Cancel();
            cancellation.Dispose();
        });
    }
}
