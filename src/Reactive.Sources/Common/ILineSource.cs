namespace Reactive.Sources;

/// <summary>
/// A source of text lines. Subscribing starts it; disposing the last subscription stops it
/// (subscriptions share one connection or one directory scan).
/// </summary>
public interface ILineSource : IObservable<SourceLine>
{
    /// <summary>Input that could not be delivered as a line (dead letters). Hot; never completes.</summary>
    IObservable<SourceRejected> Rejected { get; }

    /// <summary>State changes (connected, reconnecting, file read …). Hot; never completes.</summary>
    IObservable<SourceStatus> Status { get; }

    /// <summary>The latest status.</summary>
    SourceStatus Current { get; }

    /// <summary>Whether input missed while the source was stopped or disconnected can be read later.</summary>
    bool CanReplay { get; }
}
