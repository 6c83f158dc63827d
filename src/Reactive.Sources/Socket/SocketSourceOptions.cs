using System.ComponentModel.DataAnnotations;

namespace Reactive.Sources.Socket;

/// <summary>Options of <see cref="SocketLineSource"/>: where to connect and how to reconnect.</summary>
public sealed class SocketSourceOptions
{
    /// <summary>Host name or IP address of the server to read lines from.</summary>
    /// <value>The default value is <c>"localhost"</c>.</value>
    [Required]
    public string Host { get; set; } = "localhost";

    /// <summary>TCP port of the server.</summary>
    /// <value>The default value is 9999 (the course's <c>ncat -lk 9999</c>).</value>
    [Range(1, 65535)]
    public int Port { get; set; } = 9999;

    /// <summary>
    /// Longest line, in UTF-16 characters without the terminator; a longer line is dead-lettered
    /// (<c>line_too_long</c>) and skipped to its end.
    /// </summary>
    /// <value>The default value is 1 048 576 (1 Mi characters).</value>
    [Range(1, int.MaxValue - 1)]
    public int MaxLineLength { get; set; } = LineLimits.DefaultMaxLineLength;

    /// <summary>Size of the pooled receive buffer, in bytes.</summary>
    /// <value>The default value is 65 536.</value>
    [Range(1, 16 * 1024 * 1024)]
    public int ReceiveBufferSize { get; set; } = 64 * 1024;

    /// <summary>Wait before the first reconnection attempt.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Factor applied to the wait after each failed attempt (at least 1).</summary>
    /// <value>The default value is 2.0.</value>
    [Range(1.0, double.MaxValue)]
    public double Multiplier { get; set; } = 2.0;

    /// <summary>
    /// Part of each wait that is random: the wait is drawn uniformly from
    /// <c>[delay × (1 − JitterFraction), delay]</c>. 0 = no jitter, 0.5 = "equal jitter", 1 = "full jitter".
    /// </summary>
    /// <value>The default value is 0.2.</value>
    [Range(0.0, 1.0)]
    public double JitterFraction { get; set; } = 0.2;

    /// <summary>
    /// Failed connection attempts in a row tolerated before the source stops with an error;
    /// <see langword="null"/> retries forever. A successful connection resets the count.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (forever).</value>
    [Range(0, int.MaxValue)]
    public int? MaxRetries { get; set; }

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("SocketSourceOptions.Host must not be empty.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"SocketSourceOptions.Port must be between 1 and 65535 (was {Port}).", nameof(Port));
        }

        if (MaxLineLength is < 1 or int.MaxValue)
        {
            throw new ArgumentException($"SocketSourceOptions.MaxLineLength must be between 1 and {int.MaxValue - 1} (was {MaxLineLength}).", nameof(MaxLineLength));
        }

        if (ReceiveBufferSize is < 1 or > 16 * 1024 * 1024)
        {
            throw new ArgumentException($"SocketSourceOptions.ReceiveBufferSize must be between 1 and 16777216 (was {ReceiveBufferSize}).", nameof(ReceiveBufferSize));
        }

        if (InitialDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"SocketSourceOptions.InitialDelay must not be negative (was {InitialDelay}).", nameof(InitialDelay));
        }

        if (MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"SocketSourceOptions.MaxDelay must not be negative (was {MaxDelay}).", nameof(MaxDelay));
        }

        if (!(Multiplier >= 1.0) || double.IsInfinity(Multiplier))
        {
            throw new ArgumentException($"SocketSourceOptions.Multiplier must be a finite number >= 1 (was {Multiplier}).", nameof(Multiplier));
        }

        if (!(JitterFraction is >= 0.0 and <= 1.0))
        {
            throw new ArgumentException($"SocketSourceOptions.JitterFraction must be between 0 and 1 (was {JitterFraction}).", nameof(JitterFraction));
        }

        if (MaxRetries < 0)
        {
            throw new ArgumentException($"SocketSourceOptions.MaxRetries must not be negative (was {MaxRetries}).", nameof(MaxRetries));
        }
    }

    /// <summary>The wait before reconnection attempt <paramref name="attempt"/> (1-based), before jitter.</summary>
    internal TimeSpan BaseDelay(int attempt) => Backoff.Delay(InitialDelay, MaxDelay, Multiplier, attempt);
}
