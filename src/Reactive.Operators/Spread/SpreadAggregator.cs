using System.Globalization;
using System.Runtime.CompilerServices;
using Reactive.Operators.EventTime;
using Reactive.Operators.Time;

namespace Reactive.Operators.Spread;

/// <summary>
/// Stateful bid/ask spread aggregation over event time: per-second and per-minute tumbling windows
/// aligned to the Unix epoch, with a watermark. Feed it quotes with <see cref="OnQuote"/> and call
/// <see cref="Flush"/> at the end of the input; final windows go to the <see cref="ISpreadSink"/>, synchronously and in
/// time order (each minute after its seconds). A quote it turns away (late, bad price) is told by the verdict of
/// <see cref="OnQuote"/>, with its reason from <see cref="LateReason"/> or <see cref="BadPriceReason"/>.
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
internal sealed class SpreadAggregator
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

    // Pending quotes, in time order, occupy [_head, _head + _pendingCount) of _pending.
    private PendingQuote[] _pending;
    private int _head;
    private int _pendingCount;

    // The newest quote time − delay; the idle flush moves it to the newest quote time (never further).
    private WatermarkTracker _watermark;

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

    // The idle flush's provisional windows (IdleFlush): the second and minute it emitted while they could still take
    // quotes, and whether a quote came into them since. Each is emitted again when final only if one did.
    private bool _provisionalRun;
    private bool _provisional;
    private long _provisionalSecond = long.MinValue;
    private long _provisionalMinute = long.MinValue;
    private bool _provisionalSecondChanged;
    private bool _provisionalMinuteChanged;

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
        _watermark = new WatermarkTracker(_delayTicks);
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
    public long WatermarkTicks => _watermark.Ticks;

    /// <summary>
    /// Moves the watermark on to <paramref name="watermarkTicks"/> without a quote and emits the windows that become
    /// final. It never goes back: an earlier value does nothing. Quotes of the seconds it made final are late.
    /// </summary>
    public void AdvanceWatermarkTo(long watermarkTicks)
    {
        if (_watermark.AdvanceTo(watermarkTicks))
        {
            AdvanceWatermark();
        }
    }

    /// <summary>
    /// The idle flush (<see cref="SpreadOptions.IdleTimeout"/> passed without a quote): the watermark moves to the newest
    /// quote time (the delay treated as zero while idle; never further), which makes final every second and minute that
    /// ends by it; then the windows still open — the newest quote's second and its minute — are emitted too, marked
    /// <see cref="SpreadResult.IsProvisional"/>, and kept open: a later quote in them (one not older than the newest
    /// quote never is late) makes them emitted again, final, with all their quotes; without one they are not emitted again.
    /// </summary>
    public void IdleFlush()
    {
        var newest = _watermark.MaxEventTicks;
        if (newest == long.MinValue)
        {
            return;
        }

        AdvanceWatermarkTo(newest);
        if (_pendingCount == 0 && !_minuteOpen)
        {
            return;
        }

        // Close what is left as at the end of the input, emitting provisionally, then put the state back as it was.
        var head = _head;
        var count = _pendingCount;
        var inForce = _inForce;
        var inForceIncluded = _inForceIncluded;
        var inForceSpread = _inForceSpread;
        var cursor = _cursor;
        var minuteOpen = _minuteOpen;
        var minuteStart = _minuteStart;
        var minute = _minute;
        _provisionalRun = true;
        try
        {
            Advance(long.MaxValue);
        }
        finally
        {
            _provisionalRun = false;
            _head = head;
            _pendingCount = count;
            _inForce = inForce;
            _inForceIncluded = inForceIncluded;
            _inForceSpread = inForceSpread;
            _cursor = cursor;
            _minuteOpen = minuteOpen;
            _minuteStart = minuteStart;
            _minute = minute;
        }
    }

    /// <summary>Adds one quote; a quote turned away counts in no window and leaves the state as it was.</summary>
    /// <param name="timestampTicks">The quote's event time, in ticks.</param>
    /// <param name="bid">The bid price.</param>
    /// <param name="ask">The ask price.</param>
    /// <returns>Whether the quote was taken, or why not.</returns>
    /// <exception cref="InvalidOperationException">More than <see cref="SpreadOptions.MaxPendingQuotes"/> quotes would be pending.</exception>
    public QuoteVerdict OnQuote(long timestampTicks, double bid, double ask)
    {
        QuoteCount++;
        if (!(bid > 0 && ask > 0 && double.IsFinite(bid) && double.IsFinite(ask)))
        {
            RejectedCount++;
            return QuoteVerdict.BadPrice;
        }

        // The frontier is second-aligned, so a quote's second is final exactly when the quote is before it.
        if (timestampTicks < _frontier)
        {
            LateCount++;
            return QuoteVerdict.Late;
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

        if (_provisional)
        {
            // A quote in a window the idle flush emitted: that window is emitted again when final.
            if (Floor(timestampTicks, SecondTicks) == _provisionalSecond)
            {
                _provisionalSecondChanged = true;
            }

            if (Floor(timestampTicks, MinuteTicks) == _provisionalMinute)
            {
                _provisionalMinuteChanged = true;
            }
        }

        if (_watermark.Observe(timestampTicks) && timestampTicks >= _advanceAt)
        {
            AdvanceWatermark();
        }

        return QuoteVerdict.Accepted;
    }

    /// <summary>Why a quote at <paramref name="timestampTicks"/> is late (call it when <see cref="OnQuote"/> said so, before the next quote).</summary>
    public string LateReason(long timestampTicks)
    {
        var second = Floor(timestampTicks, SecondTicks);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"quote at {UtcTicks.Format(timestampTicks)} is in second [{UtcTicks.Format(second)}, {UtcTicks.Format(second + SecondTicks)}), final since the watermark {UtcTicks.Format(WatermarkTicks)} reached its end; raise SpreadOptions.WatermarkDelay to accept it");
    }

    /// <summary>Why a quote with these prices is turned away.</summary>
    public static string BadPriceReason(double bid, double ask) =>
        string.Create(CultureInfo.InvariantCulture, $"Bid {bid} and ask {ask} must both be positive finite prices.");

    /// <summary>
    /// Ends the input: every open window becomes final and is emitted (the last quote's spread holds
    /// until its window's end). Later quotes older than the last emitted second are late.
    /// </summary>
    public void Flush()
    {
        Advance(long.MaxValue);
        if (_pendingCount == 0 && _watermark.MaxEventTicks != long.MinValue)
        {
            var end = Floor(_watermark.MaxEventTicks, SecondTicks) + SecondTicks;
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
                throw new BoundExceededException(
                    nameof(SpreadOptions),
                    nameof(SpreadOptions.MaxPendingQuotes),
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
        if ((_provisional || _provisionalRun) && !ProvisionalDue(kind, start))
        {
            return;
        }

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
            IsProvisional = _provisionalRun,
        };
        _sink.OnResult(in result);
    }

    // Whether a window is emitted, with provisional windows about: not again when it was emitted provisionally and no
    // quote came into it since. Keeps the bookkeeping of which windows are provisional.
    private bool ProvisionalDue(SpreadResultKind kind, long start)
    {
        var second = kind == SpreadResultKind.Second;
        ref var provisional = ref second ? ref _provisionalSecond : ref _provisionalMinute;
        ref var changed = ref second ? ref _provisionalSecondChanged : ref _provisionalMinuteChanged;
        var same = _provisional && provisional == start;
        var due = !same || changed;
        if (_provisionalRun)
        {
            provisional = start;
            changed = false;
            _provisional = true;
        }
        else if (same)
        {
            provisional = long.MinValue;
            changed = false;
            _provisional = _provisionalSecond != long.MinValue || _provisionalMinute != long.MinValue;
        }

        return due;
    }

    /// <summary>A snapshot of the state, sharing nothing with the aggregator.</summary>
    public SpreadState Save()
    {
        var pending = new SpreadQuoteState[_pendingCount];
        for (var i = 0; i < _pendingCount; i++)
        {
            var q = _pending[_head + i];
            pending[i] = new SpreadQuoteState(q.Time, q.Bid, q.Ask);
        }

        var m = _minute;
        var minute = _minuteOpen
            ? new SpreadMinuteState(_minuteStart, m.Count, m.Included, m.Locked, m.Crossed, m.Sum, m.Min, m.Max, m.Last, m.Weighted, m.WeightTicks, m.LastTime, m.LastBid, m.LastAsk)
            : null;
        return new SpreadState(
            SpreadState.CurrentVersion, _delayTicks, _watermark.Ticks, _watermark.MaxEventTicks, _frontier, pending,
            _inForce, _inForceIncluded, _inForceSpread, _cursor, minute, QuoteCount, LateCount, RejectedCount)
        {
            Provisional = _provisional
                ? new SpreadProvisionalState(_provisionalSecond, _provisionalSecondChanged, _provisionalMinute, _provisionalMinuteChanged)
                : null,
        };
    }

    /// <summary>Loads a snapshot into a new aggregator (before its first quote).</summary>
    /// <exception cref="ArgumentException">The snapshot is of another version or delay, or holds more quotes than allowed.</exception>
    public void Load(SpreadState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Version != SpreadState.CurrentVersion)
        {
            throw new ArgumentException($"Spread state version {state.Version} cannot be restored; this aggregation reads version {SpreadState.CurrentVersion}.", nameof(state));
        }

        if (state.WatermarkDelayTicks != _delayTicks)
        {
            throw new ArgumentException("The spread state was saved with another SpreadOptions.WatermarkDelay.", nameof(state));
        }

        if (state.Pending.Count > _maxPending)
        {
            throw new ArgumentException($"The spread state holds {state.Pending.Count} pending quotes, more than SpreadOptions.MaxPendingQuotes ({_maxPending}).", nameof(state));
        }

        _watermark.Restore(state.WatermarkTicks, state.MaxEventTicks);
        _frontier = state.FrontierTicks;
        _advanceAt = long.MinValue; // the next newer quote recomputes it
        _pending = new PendingQuote[Math.Max(_pending.Length, state.Pending.Count)];
        _head = 0;
        _pendingCount = state.Pending.Count;
        for (var i = 0; i < _pendingCount; i++)
        {
            var q = state.Pending[i];
            _pending[i] = new PendingQuote(q.TimestampTicks, q.Bid, q.Ask);
        }

        _inForce = state.InForce;
        _inForceIncluded = state.InForceIncluded;
        _inForceSpread = state.InForceSpread;
        _cursor = state.CursorTicks;
        _minuteOpen = state.Minute is not null;
        _minute = default;
        if (state.Minute is { } m)
        {
            _minuteStart = m.StartTicks;
            _minute = new Accumulator
            {
                Count = m.Count, Included = m.Included, Locked = m.Locked, Crossed = m.Crossed, Sum = m.Sum, Min = m.Min, Max = m.Max,
                Last = m.Last, Weighted = m.Weighted, WeightTicks = m.WeightTicks, LastTime = m.LastTimeTicks, LastBid = m.LastBid, LastAsk = m.LastAsk,
            };
        }

        var p = state.Provisional;
        _provisionalSecond = p?.SecondStartTicks ?? long.MinValue;
        _provisionalSecondChanged = p?.SecondChanged ?? false;
        _provisionalMinute = p?.MinuteStartTicks ?? long.MinValue;
        _provisionalMinuteChanged = p?.MinuteChanged ?? false;
        _provisional = _provisionalSecond != long.MinValue || _provisionalMinute != long.MinValue;

        QuoteCount = state.QuoteCount;
        LateCount = state.LateCount;
        RejectedCount = state.RejectedCount;
    }

    // Floor to a multiple of size, also for negative times (windows align to the epoch on both sides).
    // Inlined so that the constant divisor becomes a multiplication.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Floor(long time, long size)
    {
        var r = time % size;
        return r < 0 ? time - r - size : time - r;
    }

    /// <summary>What <see cref="OnQuote"/> did with a quote.</summary>
    internal enum QuoteVerdict
    {
        /// <summary>Taken into its second.</summary>
        Accepted,

        /// <summary>Its second was final: counts in no window.</summary>
        Late,

        /// <summary>A price that is not positive and finite: counts in no window.</summary>
        BadPrice,
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
