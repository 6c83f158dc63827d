using System.Reactive.Linq;
using Reactive.Sources.Generators;
using Reactive.Sources.Replay;
using Reactive.Testing;
using static Reactive.Testing.ReactiveTest;

namespace Reactive.Sources.Tests.Replay;

public sealed class FileReplayMarbleTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"replay-marble-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Lines_HourlyFileAtSpeed3600_OneLinePerVirtualSecondFromSubscription()
    {
        File.WriteAllText(_path, "date,hour,hoep\n2017-01-01,1,0.0\n2017-01-01,2,1.5\n2017-01-01,2,1.6\n2017-01-01,4,2.0\n");
        var scheduler = new TestScheduler();
        var source = new FileReplaySource(_path, new FileReplayOptions { Speed = 3600, TimeOf = LineTimes.HourlyPrice }, scheduler);

        var observer = scheduler.Start(source.Lines, Ticks.FromSeconds(10));

        // Subscribed at 200: header and hour 1 at once, hour 2 (twice) one virtual second later, hour 4 three seconds later.
        observer.Messages.AssertEqual(
            OnNext(200, "date,hour,hoep"),
            OnNext(200, "2017-01-01,1,0.0"),
            OnNext(200 + Ticks.FromSeconds(1), "2017-01-01,2,1.5"),
            OnNext(200 + Ticks.FromSeconds(1), "2017-01-01,2,1.6"),
            OnNext(200 + Ticks.FromSeconds(3), "2017-01-01,4,2.0"),
            OnCompleted<string>(200 + Ticks.FromSeconds(3)));
    }

    [Fact]
    public void Lines_DisposedBeforeTheNextLine_EmitsNothingMore()
    {
        File.WriteAllText(_path, "2017-01-01,1,0.0\n2017-01-01,2,1.5\n");
        var scheduler = new TestScheduler();
        var source = new FileReplaySource(_path, new FileReplayOptions { TimeOf = LineTimes.HourlyPrice }, scheduler);

        var observer = scheduler.Start(source.Lines, created: 100, subscribed: 200, disposed: Ticks.FromMinutes(59));

        observer.Messages.AssertEqual(OnNext(200, "2017-01-01,1,0.0"));
    }

    [Fact]
    public void Lines_DisposedFromInsideOnNext_StopsWithoutDeadlock()
    {
        File.WriteAllText(_path, "2017-01-01,1,0.0\n2017-01-01,1,0.5\n2017-01-01,1,0.7\n2017-01-01,2,1.5\n");
        var scheduler = new TestScheduler();
        var source = new FileReplaySource(_path, new FileReplayOptions { TimeOf = LineTimes.HourlyPrice }, scheduler);

        var observer = scheduler.Start(() => source.Lines().Take(2), Ticks.FromMinutes(120));

        observer.Messages.AssertEqual(OnNext(200, "2017-01-01,1,0.0"), OnNext(200, "2017-01-01,1,0.5"), OnCompleted<string>(200));
    }

    [Fact]
    public void Observe_BitcoinGenerator_PacedOnTheTestScheduler()
    {
        var scheduler = new TestScheduler();

        var observer = scheduler.Start(
            () => BitcoinRateGenerator.Observe(new BitcoinRateGeneratorOptions { Rows = 3, Interval = TimeSpan.FromSeconds(30) }, scheduler, new GeneratorPacing { Speed = 10 }),
            Ticks.FromSeconds(60));

        observer.Messages.AssertEqual(
            OnNext<string>(200, l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:00:00\"", StringComparison.Ordinal)),
            OnNext<string>(200 + Ticks.FromSeconds(3), l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:00:30\"", StringComparison.Ordinal)),
            OnNext<string>(200 + Ticks.FromSeconds(6), l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:01:00\"", StringComparison.Ordinal)),
            OnCompleted<string>(200 + Ticks.FromSeconds(6)));
    }

    [Fact]
    public void Observe_OnASchedulerThatRunsTheFirstStepBeforeScheduleReturns_KeepsTheNextTimer()
    {
        // The first step runs inside Schedule (as it can on a pool thread that wins the race against the caller): it emits
        // the first rate and sets the timer of the second before the first Schedule call returns. The source once handed
        // that call's result to the same SerialDisposable, which disposed the second's timer: one row, then nothing.
        var scheduler = new TestScheduler();
        var inline = new FirstStepInline(scheduler);

        var observer = scheduler.Start(
            () => BitcoinRateGenerator.Observe(new BitcoinRateGeneratorOptions { Rows = 3, Interval = TimeSpan.FromSeconds(30) }, inline, new GeneratorPacing { Speed = 10 }),
            Ticks.FromSeconds(60));

        Assert.Equal(1, inline.InlineSteps);
        observer.Messages.AssertEqual(
            OnNext<string>(200, l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:00:00\"", StringComparison.Ordinal)),
            OnNext<string>(200 + Ticks.FromSeconds(3), l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:00:30\"", StringComparison.Ordinal)),
            OnNext<string>(200 + Ticks.FromSeconds(6), l => l.StartsWith("{\"timestamp\":\"2021-01-04T00:01:00\"", StringComparison.Ordinal)),
            OnCompleted<string>(200 + Ticks.FromSeconds(6)));
    }

    /// <summary>Runs work scheduled without a due time at once, on the caller's thread; timed work goes to the test scheduler.</summary>
    private sealed class FirstStepInline(TestScheduler inner) : System.Reactive.Concurrency.IScheduler
    {
        public int InlineSteps { get; private set; }

        public DateTimeOffset Now => inner.Now;

        public IDisposable Schedule<TState>(TState state, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action)
        {
            InlineSteps++;
            action(this, state);
            return new System.Reactive.Disposables.BooleanDisposable();
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, dueTime, (_, s) => action(this, s));

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<System.Reactive.Concurrency.IScheduler, TState, IDisposable> action) =>
            inner.Schedule(state, dueTime, (_, s) => action(this, s));
    }
}
