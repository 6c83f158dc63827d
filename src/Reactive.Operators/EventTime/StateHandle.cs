namespace Reactive.Operators.EventTime;

/// <summary>
/// The saved state of one event-time operator subscription (windows, spread, anomaly), for checkpoints: give the
/// handle to the operator's options; the subscription starts from <see cref="Initial"/> (a snapshot saved earlier,
/// or null for empty) and <see cref="Save"/> takes a snapshot of it while it runs.
/// </summary>
/// <typeparam name="TSnapshot">The operator's versioned snapshot type.</typeparam>
/// <remarks>
/// One subscription at a time uses a handle. <see cref="Save"/> takes the operator's lock where it has one (windows;
/// spread with an idle timeout); the spread without idle timeout and the anomaly detector take no lock per row, so
/// call it between rows, on the thread that feeds them (from a <c>Do</c> before the operator, or with the source paused).
/// </remarks>
public sealed class StateHandle<TSnapshot>
    where TSnapshot : class
{
    private readonly object _gate = new();
    private Func<TSnapshot>? _save;

    /// <summary>Creates a handle.</summary>
    /// <param name="initial">The snapshot to start from; null to start empty.</param>
    public StateHandle(TSnapshot? initial = null) => Initial = initial;

    /// <summary>The snapshot the subscription starts from; null = empty.</summary>
    public TSnapshot? Initial { get; }

    /// <summary>Whether a subscription is attached (subscribed, not yet ended or disposed).</summary>
    public bool IsAttached
    {
        get
        {
            lock (_gate)
            {
                return _save is not null;
            }
        }
    }

    /// <summary>Takes a snapshot of the attached subscription's state.</summary>
    /// <returns>A snapshot that shares nothing with the running operator.</returns>
    /// <exception cref="InvalidOperationException">No subscription is attached.</exception>
    public TSnapshot Save()
    {
        Func<TSnapshot>? save;
        lock (_gate)
        {
            save = _save;
        }

        return save is null
            ? throw new InvalidOperationException("No operator subscription is attached to this state handle (not subscribed yet, or already ended).")
            : save();
    }

    internal void Attach(Func<TSnapshot> save)
    {
        lock (_gate)
        {
            if (_save is not null)
            {
                throw new InvalidOperationException("This state handle is attached to another running subscription; give each subscription its own handle.");
            }

            _save = save;
        }
    }

    internal void Detach(Func<TSnapshot> save)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_save, save))
            {
                _save = null;
            }
        }
    }
}
