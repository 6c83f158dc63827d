using System.Globalization;
using System.Runtime.CompilerServices;
using Reactive.Operators.DeadLetters;
using Reactive.Operators.Time;

namespace Reactive.Operators.Spread;

/// <summary>
/// Stateful bid/ask spread aggregation over event time: per-second and per-minute tumbling windows
/// aligned to the Unix epoch, with a watermark. Feed it quotes with <see cref="OnQuote"/> and call
/// <see cref="Flush"/> at the end of the input; final windows, late quotes and rejected quotes go to the
/// <see cref="ISpreadSink"/>, synchronously and in time order (each minute after its seconds).
/// </summary>
/// <remarks>
/// <para>Not thread-safe: one caller at a time, as an Rx observer is called.</para>
/// <para>Lateness is judged on the quote's second: a quote whose second is already final is late and
/// counts in no window (not even its minute, which may still be open), so every minute is exactly the
/// roll-up of its emitted seconds.</para>
/// <para>Quotes of seconds not final yet are held in time order (a quote out of order within the
/// watermark delay is inserted at its place), so the time weighting follows event time, not arrival order.
/// In steady state nothing is allocated per quote.</para>
/// </remarks>
public sealed class SpreadAggregator
{
    private const long SecondTicks = TimeSpan.TicksPerSecond;
    private const long MinuteTicks = TimeSpan.TicksPerMinute;
    private const int InitialPending = 64;

    private readonly ISpreadSink _sink;
    private readonly long _delayTicks;
    private readonly bool _includeAll;
    private readonly bool _emitSeconds;
    private readonly bool _emitMinutes;
    private readonly int _maxPending;
    private readonly string _sourceName;

    // Pending quotes, in time order, occupy [_head, _head + _pendingCount) of _pending.
    private PendingQuote[] _pending;
    private int _head;
    private int _pendingCount;

    private long _maxTime = long.MinValue;

    // A watermark set from outside (an idle source: processing time passing); the watermark is the later of it and
    // the newest quote time − delay.
    private long _watermarkFloor = long.MinValue;

    // The newest quote time at which the watermark reaches the next second (frontier + 1 s + delay):
    // one comparison per quote decides whether anything may become final.
    private long _advanceAt = long.MinValue;

    // Seconds that start before the frontier are final (frontier = the watermark floored to the second).
    private long _frontier = long.MinValue;

    // The quote in force on the time line, and how far the time line has been integrated.
    private bool _inForce;
    private bool _inForceIncluded;
    private double _inForceSpread;
    private long _cursor;

    private bool _minuteOpen;
    private long _minuteStart;
    private Accumulator _minute;

    /// <summary>Creates an aggregator.</summary>
    /// <param name="options">The options; validated here and copied, later changes have no effect.</param>
    /// <param name="sink">Where results go.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SpreadAggregator(SpreadOptions options, ISpreadSink sink)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sink);
        options.Validate();
        _sink = sink;
        _delayTicks = options.WatermarkDelay.Ticks;
        _includeAll = options.IncludeLockedAndCrossed;
        _emitSeconds = options.EmitSeconds;
        _emitMinutes = options.EmitMinutes;
        _maxPending = options.MaxPendingQuotes;
        _sourceName = options.SourceName;
        _pending = new PendingQuote[Math.Min(InitialPending, _maxPending)];
    }

    /// <summary>Quotes received, including late and rejected ones.</summary>
    public long QuoteCount { get; private set; }

    /// <summary>Quotes that arrived after their second was final.</summary>
    public long LateCount { get; private set; }

    /// <summary>Quotes rejected for a price that is not a positive finite number.</summary>
    public long RejectedCount { get; private set; }

    /// <summary>Quotes held until their second is final (the operator's state size).</summary>
    public int PendingCount => _pendingCount;

    /// <summary>
    /// The watermark (newest quote time − delay, or later once <see cref="AdvanceWatermarkTo"/> moved it), in ticks;
    /// <see cref="long.MinValue"/> before the first quote.
    /// </summary>
    public long WatermarkTicks
    {
        get
        {
            var fromQuotes = _maxTime < long.MinValue + _delayTicks ? long.MinValue : _maxTime - _delayTicks;
            return fromQuotes > _watermarkFloor ? fromQuotes : _watermarkFloor;
        }
    }

    /// <summary>
    /// The end of the next window that a later watermark would make final: the earliest pending second's, or the open
    /// minute's when it ends first; <see cref="long.MaxValue"/> when nothing is open.
    /// </summary>
    public long NextWindowEndTicks
    {
        get
        {
            var second = _pendingCount > 0 ? Floor(_pending[_head].Time, SecondTicks) + SecondTicks : long.MaxValue;
            var minute = _minuteOpen ? _minuteStart + MinuteTicks : long.MaxValue;
            return Math.Min(second, minute);
        }
    }

    /// <summary>
    /// Moves the watermark on to <paramref name="watermarkTicks"/> without a quote — for a source gone idle, whose
    /// watermark then follows processing time — and emits the windows that become final. It never goes back: an earlier
    /// value does nothing. Quotes of the seconds it made final are late.
    /// </summary>
    public void AdvanceWatermarkTo(long watermarkTicks)
    {
        if (watermarkTicks <= WatermarkTicks)
        {
            return;
        }

        _watermarkFloor = watermarkTicks;
        AdvanceWatermark();
    }

    /// <summary>Adds one quote.</summary>
    /// <param name="timestampTicks">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <exception cref="InvalidOperationException">More than <see cref="SpreadOptions.MaxPendingQuotes"/> quotes would be pending.</exception>
    public void OnQuote(long timestampTicks, double bid, double ask)
    {
        QuoteCount++;
        if (!(bid > 0 && ask > 0 && double.IsFinite(bid) && double.IsFinite(ask)))
        {
            RejectedCount++;
            EmitRejected(timestampTicks, bid, ask);
            return;
        }

        // The frontier is second-aligned, so a quote's second is final exactly when the quote is before it.
        if (timestampTicks < _frontier)
        {
            LateCount++;
            EmitLate(timestampTicks, bid, ask, Floor(timestampTicks, SecondTicks));
            return;
        }

        // Append in time order (the common case) inline; out of order goes through Insert.
        var n = _pendingCount;
        var pending = _pending;
        var tail = _head + n;
        if (tail < pending.Length && (n == 0 || pending[tail - 1].Time <= timestampTicks))
        {
            pending[tail] = new PendingQuote(timestampTicks, bid, ask);
            _pendingCount = n + 1;
        }
        else
        {
            Insert(timestampTicks, bid, ask);
        }

        if (timestampTicks > _maxTime)
        {
            _maxTime = timestampTicks;
            if (timestampTicks >= _advanceAt)
            {
                AdvanceWatermark();
            }
        }
    }

    /// <summary>
    /// Ends the input: every open window becomes final and is emitted (the last quote's spread holds
    /// until its window's end). Later quotes older than the last emitted second are late.
    /// </summary>
    public void Flush()
    {
        Advance(long.MaxValue);
        if (_pendingCount == 0 && _maxTime != long.MinValue)
        {
            var end = Floor(_maxTime, SecondTicks) + SecondTicks;
            if (end > _frontier)
            {
                _frontier = end;
            }
        }
    }

    private void AdvanceWatermark()
    {
        var watermark = WatermarkTicks;
        if (watermark < long.MinValue + MinuteTicks)
        {
            return; // within a minute of long.MinValue: nothing can be final yet
        }

        var frontier = Floor(watermark, SecondTicks);
        if (frontier > _frontier)
        {
            _frontier = frontier;
            Advance(frontier);
        }

        var next = _frontier + SecondTicks;
        _advanceAt = next > long.MaxValue - _delayTicks ? long.MaxValue : next + _delayTicks;
    }

    private void Insert(long time, double bid, double ask)
    {
        var n = _pendingCount;
        if (_head + n == _pending.Length)
        {
            if (_head > 0)
            {
                Array.Copy(_pending, _head, _pending, 0, n);
                _head = 0;
            }
            else if (n >= _maxPending)
            {
                throw new InvalidOperationException(
                    $"The spread aggregation holds {n} quotes whose second is not final yet; raise SpreadOptions.MaxPendingQuotes (now {_maxPending}) or lower SpreadOptions.WatermarkDelay.");
            }
            else
            {
                Array.Resize(ref _pending, (int)Math.Min(_maxPending, (long)n * 2));
            }
        }

        var pending = _pending;
        var head = _head;
        var i = head + n;
        if (n > 0 && pending[i - 1].Time > time)
        {
            // Out of order within the delay: keep time order; equal times keep arrival order.
            while (i > head && pending[i - 1].Time > time)
            {
                i--;
            }

            Array.Copy(pending, i, pending, i + 1, head + n - i);
        }

        pending[i] = new PendingQuote(time, bid, ask);
        _pendingCount = n + 1;
    }

    // Closes, in time order, every second before the frontier (second-aligned, so each of those seconds
    // has all its quotes), then the minute when the frontier passed its end.
    private void Advance(long frontier)
    {
        var pending = _pending;
        var k = _head;
        var limit = k + _pendingCount;
        while (k < limit && pending[k].Time < frontier)
        {
            var second = Floor(pending[k].Time, SecondTicks);
            var end = second + SecondTicks;
            OpenSecond(second);
            var acc = AccumulateSecond(pending, ref k, limit, end);
            _minute.Merge(in acc);
            if (_emitSeconds)
            {
                Emit(SpreadResultKind.Second, second, end, in acc);
            }
        }

        _pendingCount = limit - k;
        _head = _pendingCount == 0 ? 0 : k;

        if (_minuteOpen && (frontier == long.MaxValue || _minuteStart + MinuteTicks <= frontier))
        {
            CloseMinute();
        }
    }

    // Closes the minute before the second when it ends before it, opens the second's minute, and weighs the
    // spread in force over the empty seconds between the last quote and this second (minute only).
    private void OpenSecond(long second)
    {
        if (_minuteOpen && (ulong)(second - _minuteStart) >= MinuteTicks)
        {
            CloseMinute();
        }

        if (!_minuteOpen)
        {
            var minute = Floor(second, MinuteTicks);
            _minuteOpen = true;
            _minuteStart = minute;
            _minute = default;
            if (_cursor < minute)
            {
                _cursor = minute;
            }
        }

        Integrate(second, ref _minute);
    }

    // The statistics of one second's quotes (in time order), with the spread in force carried in from the
    // cursor and the last one held to the second's end. A tight loop over locals: this is the hot path.
    private Accumulator AccumulateSecond(PendingQuote[] quotes, ref int index, int limit, long end)
    {
        var includeAll = _includeAll;
        var weighing = _inForce && _inForceIncluded;
        var spreadInForce = _inForceSpread;
        var cursor = _cursor;
        int count = 0, included = 0, locked = 0, crossed = 0;
        double sum = 0, min = 0, max = 0, last = 0, weighted = 0;
        long weightTicks = 0;
        var i = index;
        for (; i < limit; i++)
        {
            var time = quotes[i].Time;
            if (time >= end)
            {
                break;
            }

            var bid = quotes[i].Bid;
            var ask = quotes[i].Ask;
            if (weighing)
            {
                var dt = time - cursor;
                weighted += spreadInForce * dt;
                weightTicks += dt;
            }

            cursor = time;
            var spread = QuoteSpread.RoundSpread(ask - bid);
            count++;
            var include = true;
            if (ask <= bid)
            {
                if (ask == bid)
                {
                    locked++;
                }
                else
                {
                    crossed++;
                }

                include = includeAll;
            }

            if (include)
            {
                if (included == 0)
                {
                    min = spread;
                    max = spread;
                }
                else
                {
                    min = spread < min ? spread : min;
                    max = spread > max ? spread : max;
                }

                included++;
                sum += spread;
                last = spread;
            }

            weighing = include;
            spreadInForce = spread;
        }

        if (weighing)
        {
            var dt = end - cursor;
            weighted += spreadInForce * dt;
            weightTicks += dt;
        }

        var lastQuote = quotes[i - 1];
        index = i;
        _inForce = true;
        _inForceIncluded = weighing;
        _inForceSpread = spreadInForce;
        _cursor = end;
        return new Accumulator
        {
            Count = count,
            Included = included,
            Locked = locked,
            Crossed = crossed,
            Sum = sum,
            Min = min,
            Max = max,
            Last = last,
            Weighted = weighted,
            WeightTicks = weightTicks,
            LastTime = lastQuote.Time,
            LastBid = lastQuote.Bid,
            LastAsk = lastQuote.Ask,
        };
    }

    // Weighs the spread in force from the cursor up to `to` into the accumulator.
    private void Integrate(long to, ref Accumulator acc)
    {
        if (!_inForce)
        {
            return;
        }

        var dt = to - _cursor;
        if (dt > 0)
        {
            if (_inForceIncluded)
            {
                acc.Weighted += _inForceSpread * dt;
                acc.WeightTicks += dt;
            }

            _cursor = to;
        }
    }

    private void CloseMinute()
    {
        var end = _minuteStart + MinuteTicks;
        Integrate(end, ref _minute);
        _minuteOpen = false;
        if (_emitMinutes)
        {
            Emit(SpreadResultKind.Minute, _minuteStart, end, in _minute);
        }
    }

    private void Emit(SpreadResultKind kind, long start, long end, in Accumulator acc)
    {
        var any = acc.Included > 0;
        var result = new SpreadResult
        {
            Kind = kind,
            WindowStartTicks = start,
            WindowEndTicks = end,
            Count = acc.Count,
            IncludedCount = acc.Included,
            LockedCount = acc.Locked,
            CrossedCount = acc.Crossed,
            Average = any ? acc.Sum / acc.Included : null,
            Min = any ? acc.Min : null,
            Max = any ? acc.Max : null,
            Last = any ? acc.Last : null,
            TimeWeightedAverage = acc.WeightTicks > 0 ? acc.Weighted / acc.WeightTicks : null,
            WeightedTicks = acc.WeightTicks,
            TimestampTicks = acc.LastTime,
            Bid = acc.LastBid,
            Ask = acc.LastAsk,
            WatermarkTicks = WatermarkTicks,
        };
        _sink.OnResult(in result);
    }

    private void EmitLate(long time, double bid, double ask, long second)
    {
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"quote at {UtcTicks.Format(time)} is in second [{UtcTicks.Format(second)}, {UtcTicks.Format(second + SecondTicks)}), final since the watermark {UtcTicks.Format(WatermarkTicks)} reached its end; raise SpreadOptions.WatermarkDelay to accept it");
        EmitDropped(SpreadResultKind.Late, "late", reason, time, bid, ask, second);
    }

    private void EmitRejected(long time, double bid, double ask)
    {
        var reason = string.Create(CultureInfo.InvariantCulture, $"Bid {bid} and ask {ask} must both be positive finite prices.");
        EmitDropped(SpreadResultKind.Rejected, "bad_price", reason, time, bid, ask, Floor(time, SecondTicks));
    }

    private void EmitDropped(SpreadResultKind kind, string code, string reason, long time, double bid, double ask, long second)
    {
        var raw = string.Create(CultureInfo.InvariantCulture, $"{time},{bid},{ask}");
        var result = new SpreadResult
        {
            Kind = kind,
            WindowStartTicks = second,
            WindowEndTicks = second + SecondTicks,
            Count = 1,
            TimestampTicks = time,
            Bid = bid,
            Ask = ask,
            WatermarkTicks = WatermarkTicks,
            DeadLetter = DeadLetter.Create(_sourceName, 0, code, reason, raw),
        };
        _sink.OnResult(in result);
    }

    // Floor to a multiple of size, also for negative times (windows align to the epoch on both sides).
    // Inlined so that the constant divisor becomes a multiplication.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Floor(long time, long size)
    {
        var r = time % size;
        return r < 0 ? time - r - size : time - r;
    }

    private readonly record struct PendingQuote(long Time, double Bid, double Ask);

    private struct Accumulator
    {
        public int Count;
        public int Included;
        public int Locked;
        public int Crossed;
        public double Sum;
        public double Min;
        public double Max;
        public double Last;
        public double Weighted;
        public long WeightTicks;
        public long LastTime;
        public double LastBid;
        public double LastAsk;

        public void Merge(in Accumulator other)
        {
            if (other.Count == 0)
            {
                return;
            }

            if (other.Included > 0)
            {
                if (Included == 0)
                {
                    Min = other.Min;
                    Max = other.Max;
                }
                else
                {
                    Min = Math.Min(Min, other.Min);
                    Max = Math.Max(Max, other.Max);
                }

                Included += other.Included;
                Sum += other.Sum;
                Last = other.Last;
            }

            Count += other.Count;
            Locked += other.Locked;
            Crossed += other.Crossed;
            Weighted += other.Weighted;
            WeightTicks += other.WeightTicks;
            LastTime = other.LastTime;
            LastBid = other.LastBid;
            LastAsk = other.LastAsk;
        }
    }
}
