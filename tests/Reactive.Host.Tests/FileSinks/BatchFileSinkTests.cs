using Microsoft.Extensions.Options;
using Reactive.Host.FileSinks;
using Reactive.Host.Tables;

namespace Reactive.Host.Tests.FileSinks;

public sealed class BatchFileSinkTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "reactive-batchfiles-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void WriteBatch_JsonLines_OneFilePerBatchInThePipelineFolder()
    {
        using var sink = NewFactory().CreateBatchFiles("counts", ["word", "n"]);
        sink.WriteBatch(0, [new TableRow(["spark", 1L]), new TableRow(["rx", 2L])]);
        sink.WriteBatch(1, [new TableRow(["net", 3L])]);

        var folder = Path.Combine(_directory, "counts");
        Assert.Equal(folder, sink.Directory);
        Assert.Equal(Path.Combine(folder, "part-00000000.jsonl"), sink.PathOf(0));
        Assert.Equal(Path.Combine(folder, "part-00000001.jsonl"), sink.PathOf(1));
        Assert.Equal("{\"word\":\"spark\",\"n\":1}\n{\"word\":\"rx\",\"n\":2}\n", File.ReadAllText(sink.PathOf(0)));
        Assert.Equal("{\"word\":\"net\",\"n\":3}\n", File.ReadAllText(sink.PathOf(1)));
    }

    [Fact]
    public void WriteBatch_Again_ReplacesTheBatchFile()
    {
        using var sink = NewFactory().CreateBatchFiles("counts", ["word", "n"]);
        sink.WriteBatch(7, [new TableRow(["spark", 1L]), new TableRow(["rx", 2L])]);
        sink.WriteBatch(7, [new TableRow(["spark", 1L])]);

        Assert.Equal("{\"word\":\"spark\",\"n\":1}\n", File.ReadAllText(sink.PathOf(7)));
        Assert.Equal([sink.PathOf(7)], Directory.GetFiles(sink.Directory));
    }

    [Fact]
    public void WriteBatch_NoRows_DeletesTheFileAndWritesNone()
    {
        using var sink = NewFactory().CreateBatchFiles("counts", ["word", "n"]);
        sink.WriteBatch(3, [new TableRow(["spark", 1L])]);
        sink.WriteBatch(3, []);
        sink.WriteBatch(4, []);

        Assert.False(File.Exists(sink.PathOf(3)));
        Assert.False(File.Exists(sink.PathOf(4)));
        Assert.Empty(Directory.GetFiles(sink.Directory));
        Assert.Empty(sink.Batches());
    }

    [Fact]
    public void WriteBatch_Csv_HasAHeaderWindowColumnsAndQuotedFields()
    {
        using var sink = NewFactory().CreateBatchFiles("bitcoin", ["currency", "avg"], hasWindow: true, format: FileSinkFormat.Csv);
        sink.WriteBatch(12, [TableRow.Windowed(T0, T0.AddMinutes(10), ["E,UR", 50.25]), TableRow.Windowed(T0.AddMinutes(5), T0.AddMinutes(15), ["USD", null])]);

        Assert.Equal(Path.Combine(_directory, "bitcoin", "part-00000012.csv"), sink.PathOf(12));
        Assert.Equal(
            "window_start,window_end,currency,avg\n"
            + "2026-11-22T03:00:00.000Z,2026-11-22T03:10:00.000Z,\"E,UR\",50.25\n"
            + "2026-11-22T03:05:00.000Z,2026-11-22T03:15:00.000Z,USD,\n",
            File.ReadAllText(sink.PathOf(12)));
    }

    [Fact]
    public void Batches_AreInIdOrder_AndNoTemporaryFileIsLeft()
    {
        using var sink = NewFactory().CreateBatchFiles("p", ["v"]);
        foreach (var id in new long[] { 10, 2, 123_456_789, 0, 9 })
        {
            sink.WriteBatch(id, [new TableRow([id])]);
        }

        sink.WriteBatch(9, []);

        Assert.Equal(
            [
                Path.Combine(sink.Directory, "part-00000000.jsonl"),
                Path.Combine(sink.Directory, "part-00000002.jsonl"),
                Path.Combine(sink.Directory, "part-00000010.jsonl"),
                Path.Combine(sink.Directory, "part-123456789.jsonl"),
            ],
            sink.Batches());
        Assert.Equal(4, Directory.GetFiles(sink.Directory).Length);
        Assert.Equal("{\"v\":123456789}\n", File.ReadAllText(sink.PathOf(123_456_789)));
    }

    [Fact]
    public void Create_DeletesStaleTemporaryFiles_AndKeepsBatchFiles()
    {
        var folder = Path.Combine(_directory, "p");
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, "part-00000003.jsonl.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllText(stale, "{\"v\":");
        File.WriteAllText(Path.Combine(folder, "part-00000002.jsonl"), "{\"v\":2}\n");

        using var sink = NewFactory().CreateBatchFiles("p", ["v"]);

        Assert.False(File.Exists(stale));
        Assert.Equal([Path.Combine(folder, "part-00000002.jsonl")], sink.Batches());
    }

    [Fact]
    public void WriteBatch_BadRow_WritesNothing()
    {
        using var sink = NewFactory().CreateBatchFiles("p", ["a", "b"]);
        sink.WriteBatch(1, [new TableRow(["x", 1L])]);

        Assert.Throws<ArgumentException>(() => sink.WriteBatch(1, [new TableRow(["y", 2L]), new TableRow(["z"])]));

        Assert.Equal("{\"a\":\"x\",\"b\":1}\n", File.ReadAllText(sink.PathOf(1)));
        Assert.Single(Directory.GetFiles(sink.Directory));
    }

    private FileSinkFactory NewFactory() =>
        new(Options.Create(new FileSinkOptions { Directory = _directory }), TimeProvider.System);
}
