using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Directory;

/// <summary>Passes on the first <c>count</c> lines, then runs <c>stop</c> (which disposes the subscription) from inside OnNext.</summary>
internal sealed class StopAt(Collector<SourceLine> inner, int count, Action stop) : IObserver<SourceLine>
{
    private int _seen;

    public void OnNext(SourceLine value)
    {
        if (++_seen <= count)
        {
            inner.OnNext(value);
        }

        if (_seen == count)
        {
            stop();
        }
    }

    /// <summary>Subscribes to <paramref name="source"/> and stops it from inside OnNext once it gave <paramref name="count"/> lines; returns them.</summary>
    public static async Task<IReadOnlyList<SourceLine>> FirstLinesAsync(ILineSource source, int count, TimeSpan? timeout = null)
    {
        using var lines = new Collector<SourceLine>();
        using var assigned = new ManualResetEventSlim();
        IDisposable? subscription = null;
        subscription = source.Subscribe(new StopAt(lines, count, () =>
        {
            assigned.Wait(TimeSpan.FromSeconds(5));
            subscription!.Dispose();
        }));
        assigned.Set();
        return await lines.WaitForCountAsync(count, timeout);
    }

    public void OnError(Exception error) => inner.OnError(error);

    public void OnCompleted() => inner.OnCompleted();
}
