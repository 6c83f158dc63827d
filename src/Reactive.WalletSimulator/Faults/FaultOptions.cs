namespace Reactive.WalletSimulator.Faults;

/// <summary>
/// Fault injection on buy and sell (<c>Simulator:Faults</c>, or <c>POST /admin/faults</c>): each request draws one number
/// from a random generator seeded with <see cref="Seed"/>, so a sequence of requests meets the same faults in every run.
/// The rates are shares of requests and add up to at most 1.
/// </summary>
internal sealed class FaultOptions
{
    /// <summary>The share of requests answered 500 without executing anything.</summary>
    /// <value>The default value is 0.</value>
    public double ErrorRate { get; set; }

    /// <summary>The share of requests that run as usual but are answered 500: the order may have happened, the client cannot tell.</summary>
    /// <value>The default value is 0.</value>
    public double LostAnswerRate { get; set; }

    /// <summary>The share of requests held for <see cref="Delay"/> before they run (even if the client gives up meanwhile).</summary>
    /// <value>The default value is 0.</value>
    public double DelayRate { get; set; }

    /// <summary>How long a delayed request is held.</summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The seed of the draws.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; set; } = 1;

    /// <summary>The problems of these options, each naming its key under <paramref name="prefix"/>; empty when they are valid.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        foreach (var (name, rate) in new[] { (nameof(ErrorRate), ErrorRate), (nameof(LostAnswerRate), LostAnswerRate), (nameof(DelayRate), DelayRate) })
        {
            if (!double.IsFinite(rate) || rate < 0 || rate > 1)
            {
                yield return $"{prefix}{name} must be between 0 and 1 (got {rate})";
            }
        }

        if (ErrorRate + LostAnswerRate + DelayRate > 1)
        {
            yield return $"{prefix}ErrorRate + LostAnswerRate + DelayRate must be at most 1 (got {ErrorRate + LostAnswerRate + DelayRate})";
        }

        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromHours(1))
        {
            yield return $"{prefix}Delay must be between 0 and 1 hour (got {Delay})";
        }
    }
}
