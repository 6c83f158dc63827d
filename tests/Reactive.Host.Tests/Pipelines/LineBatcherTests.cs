using System.Reactive.Subjects;
using Reactive.Host.Analytics;
using Reactive.Host.Pipelines;
using Reactive.Sources;
using Reactive.Testing;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>How a live source's lines become micro-batches: re-runs over exactly their logged ranges, then one batch per trigger.</summary>
public sealed class LineBatcherTests
{
    private static SourceLine Line(long n) => new("f", n, $"line {n}") { Offset = n * 10 };

    private static SourcePosition At(long n) => n == 0 ? SourcePosition.Start : new SourcePosition("f", n, n * 10);

    [Fact]
    public void Live_OneBatchPerTriggerInterval_NoneForAQuietOne_RangesChained()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var batches = new List<LineBatch>();
        using var _ = new LineBatcher(lines, scheduler).Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        scheduler.AdvanceTo(TimeSpan.FromSeconds(1).Ticks);
        lines.OnNext(Line(1));
        lines.OnNext(Line(2));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(6).Ticks);
        scheduler.AdvanceTo(TimeSpan.FromSeconds(11).Ticks); // a quiet interval: no batch
        lines.OnNext(Line(3));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(16).Ticks);

        Assert.Equal(2, batches.Count);
        Assert.Equal([1L, 2L], batches[0].Lines.Select(l => l.LineNumber));
        Assert.Equal((At(0), At(2)), (batches[0].Start, batches[0].End));
        Assert.Equal([3L], batches[1].Lines.Select(l => l.LineNumber));
        Assert.Equal((At(2), At(3)), (batches[1].Start, batches[1].End));
        Assert.All(batches, b => Assert.Null(b.PlannedId));
    }

    [Fact]
    public void Live_AFullBatchIsCutBeforeItsIntervalEnds()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var batches = new List<LineBatch>();
        using var _ = new LineBatcher(lines, scheduler) { MaxRowsPerBatch = 2 }.Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        for (var n = 1; n <= 5; n++)
        {
            lines.OnNext(Line(n));
        }

        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);

        Assert.Equal([[1L, 2L], [3L, 4L], [5L]], batches.Select(b => b.Lines.Select(l => l.LineNumber).ToArray()));
    }

    [Fact]
    public void Reruns_ComeFirstOverExactlyTheirRanges_WithTheirIds_NoDataOnesLeftToTheOperator_ThenLiveBatchesFromTheirEnd()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var batches = new List<LineBatch>();
        var batcher = new LineBatcher(lines, scheduler)
        {
            ResumedAt = At(2),
            Reruns = [new PlannedBatch(7, At(2), At(4)), new PlannedBatch(8, At(4), At(4)), new PlannedBatch(9, At(4), At(5))],
        };
        using var _ = batcher.Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        // The source resumes after line 2 (the last committed position).
        for (var n = 3; n <= 7; n++)
        {
            lines.OnNext(Line(n));
        }

        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);

        // Batch 8 planned no lines (a no-data batch): the restored operator runs it again itself, so it is not cut.
        Assert.Equal([7L, 9L, null], batches.Select(b => b.PlannedId));
        Assert.Equal([[3L, 4L], [5L], [6L, 7L]], batches.Select(b => b.Lines.Select(l => l.LineNumber).ToArray()));
        Assert.Equal((At(5), At(7)), (batches[2].Start, batches[2].End));
    }

    [Fact]
    public void Rerun_WhoseLinesTheSourceNoLongerGives_FailsNamingTheBatch()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        Exception? error = null;
        var batcher = new LineBatcher(lines, scheduler) { Reruns = [new PlannedBatch(3, At(0), new SourcePosition("f", 2, 25))] };
        using var _ = batcher.Cut(TimeSpan.FromSeconds(5)).Subscribe(_ => { }, e => error = e);

        lines.OnNext(Line(1));
        lines.OnNext(Line(2)); // ends at 20, then line 3 at 30: no line ends at 25

        lines.OnNext(Line(3));

        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("planned batch 3", error!.Message, StringComparison.Ordinal);
    }

    // A partitioned source (Kinesis): shard s, record with sequence number q (written with leading zeros in one shard, to
    // compare as numbers, not text).
    private static SourceLine Record(string shard, string sequence) => new(shard, 0, $"{shard}:{sequence}") { Sequence = sequence };

    private static SourcePosition Shards(long records, params (string Shard, string Sequence)[] shards) =>
        new(string.Empty, records, 0) { Partitions = PartitionOffsets.Of(shards.Select(s => KeyValuePair.Create(s.Shard, s.Sequence))) };

    [Fact]
    public void Partitioned_LiveBatchEnds_ArePerShardLastSequences_CarriedOverShardsWithoutNewRecords()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var batches = new List<LineBatch>();
        using var _ = new LineBatcher(lines, scheduler).Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        lines.OnNext(Record("a", "9"));
        lines.OnNext(Record("b", "100"));
        lines.OnNext(Record("a", "10"));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);
        lines.OnNext(Record("b", "120"));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal(2, batches.Count);
        Assert.Equal((SourcePosition.Start, Shards(3, ("a", "10"), ("b", "100"))), (batches[0].Start, batches[0].End));
        Assert.Equal((batches[0].End, Shards(4, ("a", "10"), ("b", "120"))), (batches[1].Start, batches[1].End));
    }

    [Fact]
    public void Partitioned_Reruns_TakeEachShardsRangeWhateverTheInterleaving_LaterRecordsWaitForTheNextBatches()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var batches = new List<LineBatch>();
        var committed = Shards(2, ("a", "1"), ("b", "1"));
        var five = Shards(4, ("a", "2"), ("b", "8"));
        var six = Shards(5, ("a", "2"), ("b", "8"), ("c", "3"));
        var batcher = new LineBatcher(lines, scheduler)
        {
            ResumedAt = committed,
            Reruns = [new PlannedBatch(5, committed, five), new PlannedBatch(6, five, six)],
        };
        using var _ = batcher.Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        // After the committed position the shards give their records again, interleaved otherwise than before:
        // c (a new shard, in batch 6) and a's record 3 (past both ranges) come before b's 8, which ends batch 5.
        lines.OnNext(Record("b", "07"));
        lines.OnNext(Record("c", "3"));
        lines.OnNext(Record("a", "2"));
        lines.OnNext(Record("a", "3"));
        Assert.Empty(batches);
        lines.OnNext(Record("b", "8"));

        Assert.Equal([5L, 6L], batches.Select(b => b.PlannedId));
        Assert.Equal(["b:07", "a:2", "b:8"], batches[0].Lines.Select(l => l.Text));
        Assert.Equal(["c:3"], batches[1].Lines.Select(l => l.Text));
        Assert.Equal((five, six), (batches[1].Start, batches[1].End));

        // a's record 3 opens the first live batch, whose range starts at batch 6's end.
        lines.OnNext(Record("b", "9"));
        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);
        Assert.Equal(3, batches.Count);
        Assert.Null(batches[2].PlannedId);
        Assert.Equal(["a:3", "b:9"], batches[2].Lines.Select(l => l.Text));
        Assert.Equal((six, Shards(7, ("a", "3"), ("b", "9"), ("c", "3"))), (batches[2].Start, batches[2].End));
    }

    [Fact]
    public void Partitioned_Rerun_WhoseEndRecordTheShardNoLongerGives_FailsNamingTheBatchAndShard()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        Exception? error = null;
        var batcher = new LineBatcher(lines, scheduler) { Reruns = [new PlannedBatch(3, SourcePosition.Start, Shards(2, ("a", "5"), ("b", "5")))] };
        using var _ = batcher.Cut(TimeSpan.FromSeconds(5)).Subscribe(_ => { }, e => error = e);

        lines.OnNext(Record("a", "5"));
        lines.OnNext(Record("b", "4"));
        Assert.Null(error);
        lines.OnNext(Record("b", "6")); // b's 5 was trimmed

        Assert.IsType<InvalidDataException>(error);
        Assert.Contains("planned batch 3", error!.Message, StringComparison.Ordinal);
        Assert.Contains("b gave 6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9", "10", -1)]
    [InlineData("010", "9", 1)]
    [InlineData("49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588899", -1)]
    [InlineData("007", "7", 0)]
    public void SequenceNumbers_CompareAsNumbers(string a, string b, int expected) =>
        Assert.Equal(expected, Math.Sign(PartitionOffsets.CompareSequences(a, b)));

    [Fact]
    public void Rerun_EndingInAFileTheSourceLost_EndsWithTheLinesItGot_ThenLiveBatchesFromItsPlannedEnd()
    {
        var scheduler = new TestScheduler();
        var lines = new Subject<SourceLine>();
        var lost = new Subject<string>();
        var batches = new List<LineBatch>();
        var resumed = new SourcePosition("a", 2, 20);
        var batcher = new LineBatcher(lines, scheduler)
        {
            ResumedAt = resumed,
            Reruns = [new PlannedBatch(4, resumed, new SourcePosition("b", 3, 30)), new PlannedBatch(5, new SourcePosition("b", 3, 30), new SourcePosition("b", 3, 30))],
            Lost = lost,
        };
        using var _ = batcher.Cut(TimeSpan.FromSeconds(5)).Subscribe(batches.Add);

        // The rest of a comes again; b, where batch 4 ends, is gone (a directory source's file_lost); c is new.
        lines.OnNext(new SourceLine("a", 3, "a3") { Offset = 30 });
        lost.OnNext("x"); // a file no planned batch ends in: nothing to do
        lost.OnNext("b");
        lines.OnNext(new SourceLine("c", 1, "c1") { Offset = 10 });
        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);

        Assert.Equal([4L, null], batches.Select(b => b.PlannedId));
        Assert.Equal(["a3"], batches[0].Lines.Select(l => l.Text));
        Assert.Equal((resumed, new SourcePosition("b", 3, 30)), (batches[0].Start, batches[0].End));
        Assert.Equal(["c1"], batches[1].Lines.Select(l => l.Text));
        Assert.Equal(new SourcePosition("b", 3, 30), batches[1].Start);
        Assert.False(lost.HasObservers);
    }
}
