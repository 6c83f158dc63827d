namespace Reactive.Sources.Replay;

/// <summary>Options of <see cref="FileReplaySource"/>.</summary>
public sealed class FileReplayOptions
{
    /// <summary>The default bound on a line's length, in characters (1 Mi).</summary>
    public const int DefaultMaxLineLength = LineLimits.DefaultMaxLineLength;

    /// <summary>
    /// How much faster than recorded the file is replayed: the wait between two lines is their event-time
    /// difference divided by this (2 = twice as fast). Must be positive and finite.
    /// </summary>
    /// <value>The default value is 1 (original pace).</value>
    public double Speed { get; set; } = 1;

    /// <summary>Whether to ignore event times and emit every line as fast as the consumer takes them.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AsFastAsPossible { get; set; }

    /// <summary>
    /// The event time of a line, or null when it has none (a header, a bad line): such lines are emitted right
    /// after the previous one. Required unless <see cref="AsFastAsPossible"/>. See <see cref="LineTimes"/> for the course formats.
    /// </summary>
    /// <value>The default value is null.</value>
    public Func<string, DateTimeOffset?>? TimeOf { get; set; }

    /// <summary>Lines to skip at the start: the last line number already processed, to resume after a restart.</summary>
    /// <value>The default value is 0.</value>
    public long ResumeAfterLine { get; set; }
    public long ResumeAtByte { get; set; }
    public long ResumeAtLine { get; set; }

    /// <summary>The longest line kept, in characters; a longer line is rejected (<c>line_too_long</c>) and skipped.</summary>
    /// <value>The default value is <see cref="DefaultMaxLineLength"/>.</value>
    public int MaxLineLength { get; set; } = DefaultMaxLineLength;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Speed) || Speed <= 0)
        {
            throw new ArgumentException($"Speed must be a positive finite number (got {Speed}); use AsFastAsPossible for no pacing.", nameof(Speed));
        }

        if (!AsFastAsPossible && TimeOf is null)
        {
            throw new ArgumentException("TimeOf is required to pace a replay; set it or set AsFastAsPossible.", nameof(TimeOf));
        }

        if (ResumeAfterLine < 0)
        {
            throw new ArgumentException("ResumeAfterLine must not be negative.", nameof(ResumeAfterLine));
        }

        if (MaxLineLength <= 0)
        {
            throw new ArgumentException("MaxLineLength must be positive.", nameof(MaxLineLength));
        }
    }
}
