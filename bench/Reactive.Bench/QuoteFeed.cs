using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reactive.Sources.Generators;

namespace Reactive.Bench;

/// <summary>
/// The <c>--live</c> load generator: a TCP server on 127.0.0.1 (a free port) that the service's socket source connects to,
/// sending BBO quote lines in <see cref="BboQuoteGenerator"/>'s format at a fixed rate. Quote <c>n</c> is stamped
/// <see cref="BaseTicks"/> + n ms (UTC, so the per-quote result's <c>timestamp</c> names its quote) and is due at
/// <c>t0 + n / rate</c>: latency is measured against that intended time (coordinated-omission corrected), and against the
/// moment its bytes were handed to the socket (the uncorrected figure, when <see cref="SendTimes"/> is kept).
/// </summary>
internal sealed class QuoteFeed : IDisposable
{
    /// <summary>The event time of quote 0: 2026-01-05 00:00:00 UTC, a Monday; quote n is n ms later.</summary>
    public static readonly long BaseTicks = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    private const int Templates = 4096;
    private readonly TcpListener _listener;
    private readonly byte[][] _suffixes;
    private Socket? _client;
    private long _sent;
    private long _behindTicks;

    public QuoteFeed()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();

        // The price, venue and size fields of the project's generator (seed 14081); the symbol, date and time are the feed's.
        _suffixes = [.. BboQuoteGenerator.Generate(new BboQuoteGeneratorOptions { Rows = Templates, Seed = 14081 })
            .Skip(1)
            .Select(l => Encoding.ASCII.GetBytes(string.Join(',', l.Text.Split(',')[3..]) + "\r\n"))];
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Quotes handed to the socket so far (the next quote's number).</summary>
    public long Sent => Volatile.Read(ref _sent);

    /// <summary>The longest the feed was behind its schedule in the last <see cref="Run"/> (its oldest unsent quote's age), in Stopwatch ticks.</summary>
    public long MaxBehindTicks => Volatile.Read(ref _behindTicks);

    /// <summary>When kept: each quote's send time (Stopwatch ticks), by quote number.</summary>
    public long[]? SendTimes { get; set; }

    /// <summary>
    /// Stopwatch ticks between two sends (<c>--feed-tick-us</c>), or 0: every quote as soon as it is due. With a tick the
    /// feed sleeps between sends and writes the quotes due by then in one go.
    /// </summary>
    public long TickTicks { get; set; }

    /// <summary>Waits for the service's socket source to connect, then sends the CSV header.</summary>
    public async Task AcceptAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        _client = await _listener.AcceptSocketAsync(cancel.Token).ConfigureAwait(false);
        _client.NoDelay = true;
        _client.Send(Encoding.ASCII.GetBytes(BboQuoteGenerator.Header + "\r\n"));
    }

    /// <summary>
    /// Sends quotes <see cref="Sent"/> … + <paramref name="count"/> − 1, quote k of them due at <paramref name="t0"/> + k / rate
    /// (Stopwatch ticks). Between due quotes the thread yields its core (<see cref="Thread.Yield"/>) rather than sleeping:
    /// a sleep on Linux lasts ≥ 1 ms, which would batch 100 quotes at 100 k/s and be measured as the service's latency.
    /// With <see cref="TickTicks"/> it sleeps to the next tick instead (<c>nanosleep</c>, 1 µs timer slack) and writes the
    /// quotes due by then at once; their waiting counts in the corrected latency, which starts at each one's due time.
    /// A <paramref name="rate"/> of 0 sends as fast as the socket takes them.
    /// </summary>
    /// <param name="rate">Quotes a second; 0: as fast as the socket takes them.</param>
    /// <param name="count">How many quotes.</param>
    /// <param name="t0">When quote 0 of this run is due (Stopwatch ticks).</param>
    /// <param name="stop">Stops sending.</param>
    /// <param name="sleep">
    /// Sleep (≥ 1 ms) instead of yielding between due quotes: for throughput runs, where a millisecond's quotes in one
    /// write cost the service nothing and the yielding loop would take a core the service needs (0.6 cores at 1 M/s).
    /// </param>
    public void Run(double rate, long count, long t0, CancellationToken stop = default, bool sleep = false)
    {
        var socket = _client ?? throw new InvalidOperationException("no client connected");
        var buffer = new byte[256 * 1024];
        var first = Sent;
        var perQuote = Stopwatch.Frequency / rate;
        long done = 0;
        long behind = 0;
        while (done < count && !stop.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            var due = rate > 0 ? Math.Min(count, (long)((now - t0) / perQuote) + 1) : count;
            if (due <= done)
            {
                if (sleep)
                {
                    Thread.Sleep(1);
                }
                else if (TickTicks > 0)
                {
                    // The next tick: quotes due by then go in one write.
                    var next = t0 + ((now - t0) / TickTicks + 1) * TickTicks;
                    BenchThreads.SleepNanoseconds((next - now) * 1_000_000_000 / Stopwatch.Frequency);
                }
                else
                {
                    Thread.Yield();
                }

                continue;
            }

            behind = rate > 0 ? Math.Max(behind, now - (t0 + (long)(done * perQuote))) : 0;
            var length = 0;
            var from = done;
            while (done < due && length < buffer.Length - 128)
            {
                length += Format(first + done, buffer.AsSpan(length));
                done++;
            }

            if (SendTimes is { } times)
            {
                for (var k = from; k < done && first + k < times.Length; k++)
                {
                    times[first + k] = now;
                }
            }

            var offset = 0;
            while (offset < length)
            {
                offset += socket.Send(buffer, offset, length - offset, SocketFlags.None);
            }

            Volatile.Write(ref _sent, first + done);
        }

        Volatile.Write(ref _behindTicks, behind);
    }

    /// <summary>The quote number a per-quote result's UTC timestamp names.</summary>
    public static long QuoteOf(long utcTicks) => (utcTicks - BaseTicks) / TimeSpan.TicksPerMillisecond;

    public void Dispose()
    {
        _client?.Dispose();
        _listener.Stop();
        _listener.Dispose();
    }

    /// <summary><c>LIVE,MM/dd/yyyy,HH:mm:ss.fff,</c> then the template's fields and CRLF.</summary>
    private int Format(long quote, Span<byte> to)
    {
        var time = new DateTime(BaseTicks + (quote * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        "LIVE,"u8.CopyTo(to);
        var i = 5;
        i = Two(to, i, time.Month, '/');
        i = Two(to, i, time.Day, '/');
        Four(to, i, time.Year);
        i += 4;
        to[i++] = (byte)',';
        i = Two(to, i, time.Hour, ':');
        i = Two(to, i, time.Minute, ':');
        i = Two(to, i, time.Second, '.');
        var ms = time.Millisecond;
        to[i++] = (byte)('0' + (ms / 100));
        to[i++] = (byte)('0' + (ms / 10 % 10));
        to[i++] = (byte)('0' + (ms % 10));
        to[i++] = (byte)',';
        var suffix = _suffixes[quote % _suffixes.Length];
        suffix.CopyTo(to[i..]);
        return i + suffix.Length;
    }

    private static int Two(Span<byte> to, int i, int value, char after)
    {
        to[i] = (byte)('0' + (value / 10));
        to[i + 1] = (byte)('0' + (value % 10));
        to[i + 2] = (byte)after;
        return i + 3;
    }

    private static void Four(Span<byte> to, int i, int value)
    {
        to[i] = (byte)('0' + (value / 1000));
        to[i + 1] = (byte)('0' + (value / 100 % 10));
        to[i + 2] = (byte)('0' + (value / 10 % 10));
        to[i + 3] = (byte)('0' + (value % 10));
    }
}
