using System.Text.Json.Nodes;
using Reactive.Host.Checkpoints;

namespace Reactive.Host.Tests.Checkpoints;

/// <summary>The checkpoint store: Spark's offsets / state / commits layout, atomic files, recovery past damage.</summary>
public sealed class CheckpointDirectoryTests : IDisposable
{
    private static readonly CheckpointMetadata Meta = new("p", "aggregate", "kind=aggregate;Window=00:10:00;Watermark=00:01:00");
    private readonly string _path = Path.Combine(Path.GetTempPath(), "reactive-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_path))
        {
            Directory.Delete(_path, recursive: true);
        }
    }

    private CheckpointDirectory Open(CheckpointOptions? options = null)
    {
        var store = CheckpointDirectory.Open(_path, Meta, options);
        return store;
    }

    /// <summary>Batches 0..n−1 fully committed: offsets {"end": id}, state {"sum": id}, commit {"rows": id}.</summary>
    private void Commit(CheckpointDirectory store, int from, int to)
    {
        for (var id = from; id < to; id++)
        {
            store.WriteOffsets(id, new JsonObject { ["end"] = id });
            store.WriteState(id, new JsonObject { ["sum"] = id });
            store.WriteCommit(id, new JsonObject { ["rows"] = id });
        }
    }

    private string File(string sub, long id) => Path.Combine(_path, sub, id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Fresh_NothingToRestoreOrRerun_ThenRoundTripRestoresTheLastCommittedBatch()
    {
        using (var store = Open())
        {
            var plan = store.Recover();
            Assert.Null(plan.Restore);
            Assert.Empty(plan.Reruns);
            Assert.Empty(plan.Warnings);
            Assert.Equal((-1L, -1L), (store.LastCommittedBatchId, store.LastPlannedBatchId));
            Commit(store, 0, 3);
        }

        using var again = Open();
        var restored = again.Recover();
        Assert.Equal(2, restored.Restore!.BatchId);
        Assert.Equal(2, restored.Restore.State!.Value.GetProperty("sum").GetInt32());
        Assert.Equal(2, (int)restored.Restore.Offsets!["end"]!);
        Assert.Equal(2, (int)restored.Restore.Commit!["rows"]!);
        Assert.Empty(restored.Reruns);
        Assert.Equal((2L, 2L), (again.LastCommittedBatchId, again.LastPlannedBatchId));
        Assert.Equal("v1", System.IO.File.ReadLines(File("commits", 2)).First());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CrashAfterOffsets_BeforeOrAfterState_TheBatchIsRerunOverItsLoggedRange(bool stateWritten)
    {
        using (var store = Open())
        {
            store.Recover();
            Commit(store, 0, 2);
            store.WriteOffsets(2, new JsonObject { ["end"] = 42 });
            if (stateWritten)
            {
                store.WriteState(2, new JsonObject { ["sum"] = 99 });
            }
        }

        using var again = Open();
        var plan = again.Recover();
        Assert.Equal(1, plan.Restore!.BatchId);
        var rerun = Assert.Single(plan.Reruns);
        Assert.Equal(2, rerun.BatchId);
        Assert.Equal(42, (int)rerun.Offsets!["end"]!);
        Assert.Equal((1L, 2L), (again.LastCommittedBatchId, again.LastPlannedBatchId));

        // The re-run writes its state and commit, not its offsets again; then new batches go on from 3.
        Assert.Throws<InvalidOperationException>(() => again.WriteOffsets(2, new JsonObject()));
        again.WriteState(2, new JsonObject { ["sum"] = 2 });
        again.WriteCommit(2, new JsonObject());
        Commit(again, 3, 4);
        Assert.Equal(3, again.LastCommittedBatchId);
    }

    [Fact]
    public void CrashInBatchZero_NoRestorePoint_TheBatchIsRerun()
    {
        using (var store = Open())
        {
            store.Recover();
            store.WriteOffsets(0, new JsonObject { ["end"] = 7 });
        }

        using var again = Open();
        var plan = again.Recover();
        Assert.Null(plan.Restore);
        Assert.Equal(0, Assert.Single(plan.Reruns).BatchId);
    }

    [Fact]
    public void NewestCommitTruncatedAtEveryLength_FallsBackToTheBatchBefore_WithAWarning_AndKeepsTheDamagedFile()
    {
        using (var store = Open())
        {
            store.Recover();
            Commit(store, 0, 3);
        }

        var commit = File("commits", 2);
        var bytes = System.IO.File.ReadAllBytes(commit);
        for (var length = 0; length < bytes.Length; length++)
        {
            System.IO.File.WriteAllBytes(commit, bytes[..length]);
            System.IO.File.Delete(commit + ".corrupt");
            using var again = Open();
            var plan = again.Recover();

            Assert.Equal(1, plan.Restore!.BatchId);
            Assert.Contains(plan.Warnings, w => w.Contains(commit, StringComparison.Ordinal) && w.Contains("falling back", StringComparison.Ordinal));
            Assert.True(System.IO.File.Exists(commit + ".corrupt"), $"length {length}: the damaged file is kept aside");
            // Batch 2's offsets are sound: it is re-run over its range.
            Assert.Equal(2, Assert.Single(plan.Reruns).BatchId);

            // Put the batch's state back for the next length (its offsets stayed: they are sound).
            System.IO.File.Move(File("state", 2) + ".discarded", File("state", 2));
        }
    }

    [Fact]
    public void StateWithAFlippedByte_IsDamaged_FallsBack()
    {
        using (var store = Open())
        {
            store.Recover();
            Commit(store, 0, 3);
        }

        var state = File("state", 2);
        var bytes = System.IO.File.ReadAllBytes(state);
        bytes[5] ^= 0x01; // inside the JSON: still parseable text maybe, but not what was checksummed
        System.IO.File.WriteAllBytes(state, bytes);

        using var again = Open();
        var plan = again.Recover();
        Assert.Equal(1, plan.Restore!.BatchId);
        Assert.Contains(plan.Warnings, w => w.Contains("checksum", StringComparison.Ordinal) || w.Contains("damaged", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryCommitDamaged_NothingToFallBackTo_StopsNamingTheDirectoryAndTheReset()
    {
        using (var store = Open(new CheckpointOptions(RetainBatches: 2)))
        {
            store.Recover();
            Commit(store, 0, 5);
        }

        // Retention kept batches 3 and 4 only.
        Assert.False(System.IO.File.Exists(File("commits", 2)));
        System.IO.File.WriteAllText(File("commits", 3), "v1\n{}\n");
        System.IO.File.WriteAllText(File("commits", 4), "garbage");

        using var again = Open();
        var error = Assert.Throws<CheckpointException>(again.Recover);
        Assert.Equal(Path.GetFullPath(_path), error.Directory);
        Assert.Contains(Path.GetFullPath(_path), error.Message, StringComparison.Ordinal);
        Assert.Contains("reactive --reset-checkpoint p", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OtherOptionsOrKind_StopNamingWhatDiffers()
    {
        using (var store = Open())
        {
            store.Recover();
        }

        var other = Assert.Throws<CheckpointException>(() => CheckpointDirectory.Open(_path, Meta with { Fingerprint = "kind=aggregate;Window=00:05:00;Watermark=00:01:00" }));
        Assert.Contains("Window=00:10:00 → Window=00:05:00", other.Message, StringComparison.Ordinal);
        Assert.Contains("--reset-checkpoint p", other.Message, StringComparison.Ordinal);

        var kind = Assert.Throws<CheckpointException>(() => CheckpointDirectory.Open(_path, Meta with { Kind = "spread" }));
        Assert.Contains("kind 'aggregate'", kind.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesOutOfOrder_Throw()
    {
        using var store = Open();
        Assert.Throws<InvalidOperationException>(() => store.WriteOffsets(0, new JsonObject())); // before Recover
        store.Recover();
        Assert.Throws<InvalidOperationException>(() => store.WriteOffsets(1, new JsonObject()));
        store.WriteOffsets(0, new JsonObject());
        Assert.Throws<InvalidOperationException>(() => store.WriteCommit(0, new JsonObject())); // state first
        Assert.Throws<InvalidOperationException>(() => store.WriteState(1, new JsonObject())); // not planned
        store.WriteState(0, new JsonObject());
        store.WriteCommit(0, new JsonObject());
        Assert.Throws<InvalidOperationException>(() => store.WriteState(0, new JsonObject())); // committed
    }

    [Fact]
    public void Retention_KeepsTheNewestBatches_AndNoTemporaryFileIsLeft()
    {
        using var store = Open(new CheckpointOptions(RetainBatches: 3));
        store.Recover();
        Commit(store, 0, 10);

        foreach (var sub in new[] { "offsets", "state", "commits" })
        {
            Assert.Equal(["7", "8", "9"], Directory.GetFiles(Path.Combine(_path, sub)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Retention_AfterARestartWithAShorterOne_DeletesTheOlderFilesLeftOnDisk()
    {
        using (var store = Open(new CheckpointOptions(RetainBatches: 5)))
        {
            store.Recover();
            Commit(store, 0, 8); // keeps 3..7
        }

        using var again = Open(new CheckpointOptions(RetainBatches: 2));
        again.Recover();
        Commit(again, 8, 10);

        foreach (var sub in new[] { "offsets", "state", "commits" })
        {
            Assert.Equal(["8", "9"], Directory.GetFiles(Path.Combine(_path, sub)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void LeftoverTemporaryFiles_AreDeletedAtRecovery()
    {
        using (var store = Open())
        {
            store.Recover();
            Commit(store, 0, 1);
        }

        var temp = Path.Combine(_path, "state", ".1.tmp");
        System.IO.File.WriteAllText(temp, "half a fil");
        using var again = Open();
        again.Recover();
        Assert.False(System.IO.File.Exists(temp));
    }

    [Fact]
    public void ASecondOpen_WhileTheFirstHoldsIt_IsRefused()
    {
        using var first = Open();
        var error = Assert.Throws<CheckpointException>(() => CheckpointDirectory.Open(_path, Meta));
        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reset_DeletesTheDirectory_FalseWhenThereIsNone()
    {
        using (var store = Open())
        {
            store.Recover();
            Commit(store, 0, 2);
        }

        Assert.True(CheckpointDirectory.Reset(_path));
        Assert.False(Directory.Exists(_path));
        Assert.False(CheckpointDirectory.Reset(_path));
    }

    [Fact]
    public void DirectorySync_FlushesAnExistingDirectory_AndNamesAMissingOne()
    {
        Directory.CreateDirectory(_path);
        Assert.Equal(OperatingSystem.IsLinux(), DirectorySync.Flush(_path));
        if (OperatingSystem.IsLinux())
        {
            var missing = Path.Combine(_path, "missing");
            var error = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
            Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        }
    }
}
