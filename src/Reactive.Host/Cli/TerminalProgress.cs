using System.Globalization;
using System.Text;

namespace Reactive.Host.Cli;

/// <summary>
/// A progress bar for long one-shot work (<c>reactive run</c>, <c>reactive generate</c>), redrawn in place on standard
/// error a few times a second: bytes done of the total, rows per second and the time left. Shown only on a terminal
/// (<see cref="IsTerminal"/>), so pipes and logs stay clean; time read through a <see cref="TimeProvider"/>.
/// </summary>
internal sealed class TerminalProgress : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(250);

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly string _label;
    private readonly long? _totalBytes;
    private readonly long? _totalRows;
    private readonly Func<(long Bytes, long Rows)> _read;
    private readonly long _start;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private int _width;
    private bool _done;

    /// <param name="output">The terminal (standard error).</param>
    /// <param name="time">Where the time comes from.</param>
    /// <param name="label">What is going on (<c>reactive run spread</c>).</param>
    /// <param name="totalBytes">The bytes the work will take, when known (files, not standard input).</param>
    /// <param name="read">The bytes and rows done so far (called on a timer thread).</param>
    /// <param name="totalRows">The rows the work will take, when known and the bytes are not (<c>generate</c>).</param>
    public TerminalProgress(TextWriter output, TimeProvider time, string label, long? totalBytes, Func<(long Bytes, long Rows)> read, long? totalRows = null)
    {
        _totalRows = totalRows;
        _output = output;
        _time = time;
        _label = label;
        _totalBytes = totalBytes;
        _read = read;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Draw(), null, Period, Period);
    }

    /// <summary>Whether a progress bar may be shown: both standard output and standard error are terminals, and <paramref name="stderr"/> is the console's.</summary>
    public static bool IsTerminal(TextWriter stderr) =>
        ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected && !Console.IsOutputRedirected;

    /// <summary>Starts a bar on <paramref name="stderr"/> when it is a terminal; else null (nothing shown).</summary>
    public static TerminalProgress? StartIfTerminal(TextWriter stderr, string label, long? totalBytes, Func<(long Bytes, long Rows)> read, long? totalRows = null) =>
        IsTerminal(stderr) ? new TerminalProgress(stderr, TimeProvider.System, label, totalBytes, read, totalRows) : null;

    /// <summary>Draws the bar now (the timer draws it every quarter second).</summary>
    public void Draw()
    {
        var (bytes, rows) = _read();
        var line = Line(_label, bytes, _totalBytes, rows, _time.GetElapsedTime(_start), _totalRows);
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _output.Write("\r" + line.PadRight(_width));
            _output.Flush();
            _width = line.Length;
        }
    }

    /// <summary>
    /// The bar's text: <c>reactive run spread [#######·············] 35% 12.0 MB of 34.3 MB, 81,000 rows/s, 0:04 left</c>.
    /// The share done is the bytes' when their total is known, else the rows' (<paramref name="totalRows"/>); without
    /// either, the bytes and the rate only.
    /// </summary>
    public static string Line(string label, long bytes, long? totalBytes, long rows, TimeSpan elapsed, long? totalRows = null)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        var text = new StringBuilder(label).Append(' ');
        var (done, total) = totalBytes is > 0 ? (bytes, totalBytes.Value) : totalRows is > 0 ? (rows, totalRows.Value) : (0L, 0L);
        if (total > 0)
        {
            var fraction = Math.Clamp((double)done / total, 0, 1);
            const int Width = 20;
            var filled = (int)Math.Round(fraction * Width);
            text.Append('[').Append('#', filled).Append('·', Width - filled).Append("] ")
                .Append(CultureInfo.InvariantCulture, $"{fraction * 100:F0}% {Size(bytes)}{(totalBytes is > 0 ? $" of {Size(total)}" : "")}, ");
            text.Append(CultureInfo.InvariantCulture, $"{rows / seconds:N0} rows/s");
            if (done > 0 && done < total)
            {
                var left = TimeSpan.FromSeconds((total - done) / (done / seconds));
                text.Append(CultureInfo.InvariantCulture, $", {(int)left.TotalMinutes}:{left.Seconds:00} left");
            }
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{Size(bytes)}, {rows / seconds:N0} rows/s");
        }

        return text.ToString();
    }

    /// <summary>Writes a whole line (a batch's progress) above the bar: the bar is cleared first and drawn again at the next tick.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
        {
            _output.Write("\r" + line.PadRight(_width) + "\n");
            _width = 0;
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):F2} GB"),
    };

    /// <summary>Stops the bar and clears its line, so the summary that follows starts on a clean line.</summary>
    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            if (!_done)
            {
                _done = true;
                if (_width > 0)
                {
                    _output.Write("\r" + new string(' ', _width) + "\r");
                    _output.Flush();
                }
            }
        }
    }
}
