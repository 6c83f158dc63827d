using Reactive.Testing;
using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Reactive.Sources.Replay;

namespace Reactive.Sources.Tests.Replay;

public sealed class FileReplaySourceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"replay-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    private const string Quotes =
        "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n" +
        "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n" +
        "ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P,3\r\n" +
        "ITT,03/03/2014,09:30:00.038,43.17,P,4,43.69,P,3\r\n" +
        "garbage line\r\n" +
        "ITT,03/03/2014,09:30:01.384,43.31,P,3,43.66,P,4\r\n" +
        "ITT,03/03/2014,09:30:01.000,43.31,P,3,43.66,P,4\r\n";

    private static List<(TimeSpan At, long Line, string Text)> Run(FileReplaySource source, HistoricalScheduler scheduler, List<Notification<SourceLine>>? notifications = null)
    {
        var seen = new List<(TimeSpan, long, string)>();
        using var _ = source.ReadLines().Materialize().Subscribe(n =>
        {
            notifications?.Add(n);
            if (n.Kind == NotificationKind.OnNext)
            {
                seen.Add((scheduler.Now - Start, n.Value.LineNumber, n.Value.Text));
            }
        });
        scheduler.Start();
        return seen;
    }

    [Fact]
    public void ReadLines_Speed2_EmitsAtHalfTheRecordedSpacing()
    {
        File.WriteAllText(_path, Quotes);
        var notifications = new List<Notification<SourceLine>>();

        var scheduler = new HistoricalScheduler(Start);
        var seen = Run(new FileReplaySource(_path, new FileReplayOptions { Speed = 2, TimeOf = LineTimes.Bbo }, scheduler), scheduler, notifications);

        // Offsets from the first quote (09:30:00.033), halved: 0, 2.5 ms, 2.5 ms, then 1.351 s / 2 = 675.5 ms.
        // The header and the garbage line have no time: they follow the previous line at once.
        // The last line goes back in time: it is not held back, it follows at once.
        Assert.Equal(
            [
                (TimeSpan.Zero, 1L, "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size"),
                (TimeSpan.Zero, 2L, "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3"),
                (TimeSpan.FromTicks(25_000), 3L, "ITT,03/03/2014,09:30:00.038,43.17,P,3,43.69,P,3"),
                (TimeSpan.FromTicks(25_000), 4L, "ITT,03/03/2014,09:30:00.038,43.17,P,4,43.69,P,3"),
                (TimeSpan.FromTicks(25_000), 5L, "garbage line"),
                (TimeSpan.FromTicks(6_755_000), 6L, "ITT,03/03/2014,09:30:01.384,43.31,P,3,43.66,P,4"),
                (TimeSpan.FromTicks(6_755_000), 7L, "ITT,03/03/2014,09:30:01.000,43.31,P,3,43.66,P,4"),
            ],
            seen);
        Assert.Equal(NotificationKind.OnCompleted, notifications[^1].Kind);
    }

    [Fact]
    public void ReadLines_AsFastAsPossible_EmitsEverythingAtSubscription()
    {
        File.WriteAllLines(_path, Enumerable.Range(1, 5000).Select(i => $"line {i}"));

        var scheduler = new HistoricalScheduler(Start);
        var seen = Run(new FileReplaySource(_path, new FileReplayOptions { AsFastAsPossible = true }, scheduler), scheduler);

        Assert.Equal(5000, seen.Count);
        Assert.All(seen, s => Assert.Equal(TimeSpan.Zero, s.At));
        Assert.Equal("line 5000", seen[^1].Text);
    }

    [Fact]
    public void ReadLines_BurstOfEqualTimes_UsesOneTimerNotOnePerLine()
    {
        var lines = new List<string> { "date,hour,hoep" };
        for (int hour = 1; hour <= 3; hour++)
        {
            lines.AddRange(Enumerable.Repeat($"2017-01-01,{hour},1.0", 100));
        }

        File.WriteAllLines(_path, lines);
        var inner = new HistoricalScheduler(Start);
        var counting = new CountingScheduler(inner);
        var times = new List<DateTimeOffset>();

        using var _ = new FileReplaySource(_path, new FileReplayOptions { Speed = 3600, TimeOf = LineTimes.HourlyPrice }, counting)
            .Lines().Subscribe(_ => times.Add(inner.Now));
        inner.Start();

        Assert.Equal(301, times.Count);
        Assert.Equal(101, times.Count(t => t == Start));
        Assert.Equal(100, times.Count(t => t == Start.AddSeconds(1)));
        Assert.Equal(100, times.Count(t => t == Start.AddSeconds(2)));
        // One immediate start plus one timer per distinct later time.
        Assert.Equal(3, counting.Scheduled);
    }

    [Fact]
    public void ReadLines_ResumeAfterLine_SkipsProcessedLinesAndPacesFromTheNextOne()
    {
        File.WriteAllText(_path, Quotes);

        var scheduler = new HistoricalScheduler(Start);
        var seen = Run(new FileReplaySource(_path, new FileReplayOptions { TimeOf = LineTimes.Bbo, ResumeAfterLine = 3 }, scheduler), scheduler);

        Assert.Equal([4L, 5L, 6L, 7L], seen.Select(s => s.Line));
        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(1346), TimeSpan.FromMilliseconds(1346)], seen.Select(s => s.At));
    }

    [Fact]
    public void ReadLines_LineTooLong_IsRejectedAndTheReplayGoesOn()
    {
        File.WriteAllText(_path, "a\n" + new string('x', 5000) + "\r\nb\n");
        var rejected = new List<SourceRejected>();

        var scheduler = new HistoricalScheduler(Start);
        var source = new FileReplaySource(_path, new FileReplayOptions { AsFastAsPossible = true, MaxLineLength = 100 }, scheduler);
        using var rejections = source.Rejected.Subscribe(rejected.Add);

        var seen = Run(source, scheduler);

        Assert.Equal(["a", "b"], seen.Select(s => s.Text));
        var r = Assert.Single(rejected);
        Assert.Equal((_path, 2L, "line_too_long"), (r.Origin, r.LineNumber, r.Code));
        Assert.Contains("MaxLineLength", r.Reason, StringComparison.Ordinal);
        Assert.True(r.Raw.Length <= SourceRejected.MaxRawLength);
    }

    [Fact]
    public void ReadLines_MissingFile_EndsWithTheIoError()
    {
        var notifications = new List<Notification<SourceLine>>();
        var scheduler = new HistoricalScheduler(Start);
        var source = new FileReplaySource(_path + ".missing", new FileReplayOptions { AsFastAsPossible = true }, scheduler);
        var statuses = new List<SourceStatusKind>();
        using var status = source.Status.Subscribe(s => statuses.Add(s.Kind));

        Run(source, scheduler, notifications);

        var n = Assert.Single(notifications);
        Assert.IsType<FileNotFoundException>(n.Exception);
        Assert.Equal([SourceStatusKind.FileUnreadable, SourceStatusKind.Stopped], statuses);
    }

    [Fact]
    public void ReadLines_TimeOfThrows_EndsWithItsError()
    {
        File.WriteAllText(_path, "a\nb\n");
        var notifications = new List<Notification<SourceLine>>();
        var scheduler = new HistoricalScheduler(Start);
        Run(new FileReplaySource(_path, new FileReplayOptions { TimeOf = line => line == "b" ? throw new FormatException("bad") : null }, scheduler), scheduler, notifications);

        Assert.Equal([NotificationKind.OnNext, NotificationKind.OnError], notifications.Select(n => n.Kind));
        Assert.IsType<FormatException>(notifications[1].Exception);
    }

    [Fact]
    public void ReadLines_DisposedMidway_StopsEmitting()
    {
        File.WriteAllText(_path, "2017-01-01,1,1\n2017-01-01,2,1\n2017-01-01,3,1\n");
        var scheduler = new HistoricalScheduler(Start);
        var seen = new List<string>();

        var subscription = new FileReplaySource(_path, new FileReplayOptions { TimeOf = LineTimes.HourlyPrice }, scheduler).Lines().Subscribe(seen.Add);
        scheduler.AdvanceTo(Start.AddMinutes(90));
        subscription.Dispose();
        scheduler.Start();

        Assert.Equal(["2017-01-01,1,1", "2017-01-01,2,1"], seen);
    }

    [Fact]
    public void ReadLines_SecondSubscription_ReplaysFromTheStart()
    {
        File.WriteAllText(_path, "x\ny\n");
        var scheduler = new HistoricalScheduler(Start);
        var source = new FileReplaySource(_path, new FileReplayOptions { AsFastAsPossible = true }, scheduler);

        Assert.True(source.CanReplay);
        var first = Run(source, scheduler);
        var second = Run(source, scheduler);
        Assert.Equal([(TimeSpan.Zero, 1L, "x"), (TimeSpan.Zero, 2L, "y")], first);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_BadSpeed_Throws(double speed)
    {
        var e = Assert.Throws<ArgumentException>(() => new FileReplaySource(_path, new FileReplayOptions { Speed = speed, TimeOf = LineTimes.Bbo }, new HistoricalScheduler()));
        Assert.Equal("Speed", e.ParamName);
    }

    [Fact]
    public void Constructor_PacedWithoutTimeOf_Throws() =>
        Assert.Equal("TimeOf", Assert.Throws<ArgumentException>(() => new FileReplaySource(_path, new FileReplayOptions(), new HistoricalScheduler())).ParamName);

    [Fact]
    public void LineTimes_CourseFormats_ReadTheirTimes()
    {
        Assert.Equal(new DateTimeOffset(2014, 3, 3, 9, 30, 0, 33, TimeSpan.Zero), LineTimes.Bbo("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3"));
        Assert.Null(LineTimes.Bbo("Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size"));
        Assert.Equal(new DateTimeOffset(2017, 1, 1, 23, 0, 0, TimeSpan.Zero), LineTimes.HourlyPrice("2017-01-01,24,40.95"));
        Assert.Null(LineTimes.HourlyPrice("date,hour,hoep"));
        Assert.Equal(new DateTimeOffset(2021, 1, 4, 0, 0, 10, TimeSpan.Zero), LineTimes.JsonProperty()("{\"timestamp\": \"2021-01-04T00:00:10\",\"usd_rate\":1}"));
        Assert.Equal(new DateTimeOffset(2017, 6, 11, 8, 6, 21, TimeSpan.Zero), LineTimes.UnixSecondsColumn(0)("1497168381,2050.81,0.0475"));
    }

    [SharedDataFact]
    public void ReadLines_CourseQuotes_VirtualClockFollowsTheData()
    {
        var scheduler = new HistoricalScheduler(Start);
        var seen = Run(new FileReplaySource(SharedData.PathOf("14081.csv"), new FileReplayOptions { TimeOf = LineTimes.Bbo }, scheduler), scheduler);

        Assert.Equal(55_771, seen.Count);
        // Last quote 03/05/2014 15:59:59.913, first 03/03/2014 09:30:00.033: 2 days 6 h 29 min 59.880 s later.
        Assert.Equal(new TimeSpan(2, 6, 29, 59, 880), seen[^1].At);
        Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.First.At <= p.Second.At));
    }

    [Fact]
    public void ReadLines_SpeedSoSmallTheNextLineIsDueAfterYear9999_EndsWithAnErrorNotAThrowingTimer()
    {
        // One day at speed 1e-6 is a million days (~2738 years): from 2030 that is still representable; three days
        // apart at 1e-7 (~82,000 years) is not. Before, the due time's arithmetic threw inside the scheduler's action.
        File.WriteAllText(_path, "2017-01-01,1,1\n2017-01-02,1,1\n2017-01-04,1,1\n");
        var notifications = new List<Notification<SourceLine>>();
        var scheduler = new HistoricalScheduler(Start);

        var seen = Run(new FileReplaySource(_path, new FileReplayOptions { Speed = 1e-7, TimeOf = LineTimes.HourlyPrice }, scheduler), scheduler, notifications);

        Assert.Equal([(TimeSpan.Zero, 1L, "2017-01-01,1,1")], seen);
        Assert.Equal(NotificationKind.OnError, notifications[^1].Kind);
        Assert.Equal("speed", Assert.IsType<ArgumentOutOfRangeException>(notifications[^1].Exception).ParamName);
    }

    [Fact]
    public void ReadLines_SmallButRepresentableSpeed_StretchesTheGaps()
    {
        File.WriteAllText(_path, "2017-01-01,1,1\n2017-01-02,1,1\n");
        var scheduler = new HistoricalScheduler(Start);

        var seen = Run(new FileReplaySource(_path, new FileReplayOptions { Speed = 1e-3, TimeOf = LineTimes.HourlyPrice }, scheduler), scheduler);

        // One day / 0.001 = 1000 days.
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromDays(1000)], seen.Select(s => s.At));
    }

    [Theory]
    [InlineData("{\"timestamp\":\"12:00:05\"}")] // a time of day alone would be dated today, from the machine's clock
    [InlineData("{\"timestamp\":\"soon\"}")]
    [InlineData("{\"timestamp\":12}")]
    [InlineData("{\"other\":\"2021-01-04T00:00:10\"}")]
    public void LineTimes_JsonPropertyWithoutADatedTime_IsNull(string line) =>
        Assert.Null(LineTimes.JsonProperty()(line));

    [Fact]
    public void LineTimes_JsonPropertyWithOffset_IsTheUtcInstant() =>
        Assert.Equal(new DateTimeOffset(2021, 1, 4, 4, 0, 10, TimeSpan.Zero), LineTimes.JsonProperty()("{\"timestamp\":\"2021-01-04T00:00:10-04:00\"}"));

    [Theory]
    [InlineData("ITT,03/03/2014,9:30:00,1,N,1,2,N,1", 9, 30, 0, 0)]
    [InlineData("ITT,3/3/2014,16:00:59.8041234,1,N,1,2,N,1", 16, 0, 59, 8_041_234)]
    [InlineData("ITT,03/03/2014,09:30:00.033", 9, 30, 0, 330_000)] // no fields after the time
    public void LineTimes_BboShapes_ReadTheWallClock(string line, int h, int m, int s, long fractionTicks) =>
        Assert.Equal(new DateTimeOffset(2014, 3, 3, h, m, s, TimeSpan.Zero).AddTicks(fractionTicks), LineTimes.Bbo(line));

    [Theory]
    [InlineData("ITT,02/30/2014,09:30:00.000,1,N,1,2,N,1")]
    [InlineData("ITT,03/03/2014,24:00:00.000,1,N,1,2,N,1")]
    [InlineData("ITT,03/03/2014")]
    [InlineData("")]
    public void LineTimes_BboBadTime_IsNull(string line) => Assert.Null(LineTimes.Bbo(line));

    [Theory]
    [InlineData("2017-01-01,0,1")]
    [InlineData("2017-01-01,25,1")]
    [InlineData("2017-02-29,1,1")]
    [InlineData("2017-01-01, 1,1")]
    public void LineTimes_HourlyBadRow_IsNull(string line) => Assert.Null(LineTimes.HourlyPrice(line));

    private sealed class CountingScheduler(IScheduler inner) : IScheduler
    {
        public int Scheduled { get; private set; }

        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            Scheduled++;
            return inner.Schedule(state, dueTime, (_, s) => action(this, s));
        }
    }
}
