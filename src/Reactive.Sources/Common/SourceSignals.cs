using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Reactive.Sources;

/// <summary>The status and dead-letter outputs a line source shares with its host.</summary>
internal sealed class SourceSignals
{
    private readonly Lock _gate = new();
    private readonly Subject<SourceStatus> _status = new();
    private readonly Subject<SourceRejected> _rejected = new();
    private SourceStatus _current;

    public SourceSignals(string origin)
    {
        _current = new SourceStatus(SourceStatusKind.Stopped, origin, $"{origin}: not started.");
        Status = _status.AsObservable();
        Rejected = _rejected.AsObservable();
    }

    public IObservable<SourceStatus> Status { get; }

    public IObservable<SourceRejected> Rejected { get; }

    public SourceStatus Current => Volatile.Read(ref _current);

    public void Publish(SourceStatus status)
    {
        lock (_gate)
        {
            Volatile.Write(ref _current, status);
            _status.OnNext(status);
        }
    }

    public void Reject(SourceRejected rejected)
    {
        lock (_gate)
        {
            _rejected.OnNext(rejected);
        }
    }
}
