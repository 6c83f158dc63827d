namespace Reactive.WalletSimulator.Faults;

/// <summary>What a buy or sell request meets.</summary>
internal enum Fault
{
    /// <summary>Nothing: it runs and is answered.</summary>
    None,

    /// <summary>Answered 500; nothing executed.</summary>
    Error,

    /// <summary>Runs, then answered 500 whatever happened.</summary>
    LostAnswer,

    /// <summary>Held for the configured delay, then runs and is answered.</summary>
    Delay,
}

/// <summary>
/// Draws the fault of each buy or sell request from one seeded generator, in the order the requests arrive: with the
/// same settings, the n-th request meets the same fault in every run.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private FaultOptions _options;
    private Random _random;

    public FaultInjector(FaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = Copy(options);
        _random = new Random(_options.Seed);
    }

    /// <summary>A copy of the settings in force.</summary>
    public FaultOptions Options
    {
        get
        {
            lock (_gate)
            {
                return Copy(_options);
            }
        }
    }

    /// <summary>Replaces the settings and restarts the draws from their seed. The caller has checked them.</summary>
    public void Set(FaultOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_gate)
        {
            _options = Copy(options);
            _random = new Random(_options.Seed);
        }
    }

    /// <summary>The fault of the next request, and how long a delay holds it.</summary>
    public (Fault Fault, TimeSpan Delay) Draw()
    {
        lock (_gate)
        {
            var o = _options;
            if (o.ErrorRate + o.LostAnswerRate + o.DelayRate <= 0)
            {
                return (Fault.None, TimeSpan.Zero);
            }

            double u = _random.NextDouble();
            return u < o.ErrorRate ? (Fault.Error, TimeSpan.Zero)
                : u < o.ErrorRate + o.LostAnswerRate ? (Fault.LostAnswer, TimeSpan.Zero)
                : u < o.ErrorRate + o.LostAnswerRate + o.DelayRate ? (Fault.Delay, o.Delay)
                : (Fault.None, TimeSpan.Zero);
        }
    }

    private static FaultOptions Copy(FaultOptions o) => new()
    {
        ErrorRate = o.ErrorRate,
        LostAnswerRate = o.LostAnswerRate,
        DelayRate = o.DelayRate,
        Delay = o.Delay,
        Seed = o.Seed,
    };
}
