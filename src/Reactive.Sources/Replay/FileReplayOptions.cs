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
    /// <remarks>
    /// The lines before it are still read. With <see cref="ResumeAtByte"/> the file is read from that byte instead and
    /// this compares with the line numbers counted from <see cref="ResumeAtLine"/>.
    /// </remarks>
    /// <value>The default value is 0.</value>
    public long ResumeAfterLine { get; set; }

    /// <summary>
    /// The byte position to resume at, without reading what comes before: the <see cref="SourceLine.Offset"/> of the
    /// last line already processed (a checkpoint), set together with <see cref="ResumeAtLine"/>. The lines then are
    /// exactly those of an uninterrupted replay after that line: same origin, line numbers, offsets and text. The first
    /// of them goes out at once; the pacing is relative to it (the skipped part is not waited for). A position past
    /// the file's end ends the replay with an <see cref="ArgumentOutOfRangeException"/> naming the file; one that is
    /// not a line's end gives the text from there (a cut line, or U+FFFD for a cut character).
    /// </summary>
    /// <value>The default value is 0 (the start of the file).</value>
    public long ResumeAtByte { get; set; }

    /// <summary>
    /// The <see cref="SourceLine.LineNumber"/> of the line that ends at <see cref="ResumeAtByte"/>: the first line read
    /// is numbered one more. Set together with <see cref="ResumeAtByte"/>.
    /// </summary>
    /// <value>The default value is 0.</value>
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

        if (ResumeAtByte < 0)
        {
            throw new ArgumentException($"ResumeAtByte must not be negative (got {ResumeAtByte}).", nameof(ResumeAtByte));
        }

        if (ResumeAtLine < 0)
        {
            throw new ArgumentException($"ResumeAtLine must not be negative (got {ResumeAtLine}).", nameof(ResumeAtLine));
        }

        // A checkpoint is one line's Offset and LineNumber: one without the other would number or place the lines wrongly.
        if ((ResumeAtByte == 0) != (ResumeAtLine == 0))
        {
            throw new ArgumentException(
                $"ResumeAtByte ({ResumeAtByte}) and ResumeAtLine ({ResumeAtLine}) go together: set both from the last processed line's Offset and LineNumber, or neither.",
                ResumeAtByte == 0 ? nameof(ResumeAtByte) : nameof(ResumeAtLine));
        }

        if (MaxLineLength <= 0)
        {
            throw new ArgumentException("MaxLineLength must be positive.", nameof(MaxLineLength));
        }
    }
}
