namespace Reactive.Host.DeadLetters;

/// <summary>
/// Counts dead letters where a pipeline's counters live. The wiring gives the
/// <see cref="DeadLetterStore"/> one (the progress registry), so dead letters need not know progress.
/// </summary>
public interface IDeadLetterCounter
{
    /// <summary>Counts one dead letter of <paramref name="pipeline"/> with reason code <paramref name="code"/>.</summary>
    void CountDeadLetter(string pipeline, string code);
}
