using Reactive.Host.FileSinks;
using Reactive.Host.Tables;

namespace Reactive.Host.Tests.FileSinks;

public sealed class FileSinkTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "reactive-filesink-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(T0);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void JsonLines_WindowedRows_AreOneObjectPerLineWithAWindowObject()
    {
        using (var sink = NewSink(FileSinkFormat.JsonLines, ["currency", "avg", "n"], hasWindow: true))
        {
            sink.Write(TableRow.Windowed(T0, T0.AddMinutes(10), ["EUR", 50.25, 3L]));
            sink.Write(TableRow.Windowed(T0.AddMinutes(5), T0.AddMinutes(15), ["U\"S\nDé", null, 1]));
            sink.Flush();
        }

        var file = Assert.Single(Directory.GetFiles(_directory));
        Assert.Equal("bitcoin-20261122T030000Z-0001.jsonl", Path.GetFileName(file));
        Assert.Equal(
            "{\"window\":{\"start\":\"2026-11-22T03:00:00.000Z\",\"end\":\"2026-11-22T03:10:00.000Z\"},\"currency\":\"EUR\",\"avg\":50.25,\"n\":3}\n"
            + "{\"window\":{\"start\":\"2026-11-22T03:05:00.000Z\",\"end\":\"2026-11-22T03:15:00.000Z\"},\"currency\":\"U\\\"S\\nDé\",\"avg\":null,\"n\":1}\n",
            File.ReadAllText(file));
    }

    [Fact]
    public void Csv_Rows_HaveAHeaderAndQuotedFields()
    {
        using (var sink = NewSink(FileSinkFormat.Csv, ["symbol", "note", "spread"]))
        {
            sink.WriteBatch([new TableRow(["ITT", "a,b", 0.02]), new TableRow(["ITT", "say \"hi\"", -0.01]), new TableRow(["ITT", null, 0.0])]);
        }

        var file = Assert.Single(Directory.GetFiles(_directory));
        Assert.EndsWith(".csv", file, StringComparison.Ordinal);
        Assert.Equal("symbol,note,spread\nITT,\"a,b\",0.02\nITT,\"say \"\"hi\"\"\",-0.01\nITT,,0\n", File.ReadAllText(file));
    }

    [Fact]
    public void Roll_BySize_ClosesFilesWithWholeLinesOnly()
    {
        // Lines of {"v":"xxxxxxxxxx"} are 19 bytes + newline = 20; at most 50 bytes per file → 2 lines each.
        using var writer = new RollingFileWriter(_directory, "p", ".jsonl", 50, TimeSpan.Zero, _clock);
        for (var i = 0; i < 5; i++)
        {
            writer.WriteLine("{\"v\":\"" + new string((char)('a' + i), 10) + "\"}");
        }

        Assert.EndsWith(".jsonl.part", writer.CurrentPath, StringComparison.Ordinal);
        writer.Dispose();

        var files = writer.ClosedFiles;
        Assert.Equal(3, files.Count);
        Assert.All(files, f => Assert.EndsWith(".jsonl", f, StringComparison.Ordinal));
        Assert.Equal([2, 2, 1], files.Select(f => File.ReadAllLines(f).Length));
        Assert.Equal("abcde", string.Concat(files.SelectMany(File.ReadAllLines).Select(l => l[6])));
        Assert.All(files, f => Assert.EndsWith("\n", File.ReadAllText(f), StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(_directory, "*.part"));
    }

    [Fact]
    public void Roll_ByTime_StartsANewFileWhenTheIntervalPassed()
    {
        using var writer = new RollingFileWriter(_directory, "p", ".jsonl", 1 << 20, TimeSpan.FromMinutes(10), _clock);
        writer.WriteLine("1");
        _clock.Advance(TimeSpan.FromMinutes(9));
        writer.WriteLine("2");
        _clock.Advance(TimeSpan.FromMinutes(1));
        writer.WriteLine("3");
        writer.Dispose();

        Assert.Equal(["p-20261122T030000Z-0001.jsonl", "p-20261122T031000Z-0002.jsonl"], writer.ClosedFiles.Select(Path.GetFileName));
        Assert.Equal("1\n2\n", File.ReadAllText(writer.ClosedFiles[0]));
        Assert.Equal("3\n", File.ReadAllText(writer.ClosedFiles[1]));
    }

    [Fact]
    public void Recover_PartFileWithHalfALine_IsCutToItsLastLineAndClosed()
    {
        Directory.CreateDirectory(_directory);
        var part = Path.Combine(_directory, "p-20261122T020000Z-0001.jsonl.part");
        File.WriteAllText(part, "{\"a\":1}\n{\"a\":2}\n{\"a\":");
        var other = Path.Combine(_directory, "q-20261122T020000Z-0001.jsonl.part");
        File.WriteAllText(other, "{\"b\":1}\n{\"b");

        using (var writer = new RollingFileWriter(_directory, "p", ".jsonl", 1 << 20, TimeSpan.Zero, _clock))
        {
            writer.WriteLine("{\"a\":3}");
        }

        Assert.False(File.Exists(part));
        Assert.Equal("{\"a\":1}\n{\"a\":2}\n", File.ReadAllText(part[..^".part".Length]));
        Assert.True(File.Exists(other), "another pipeline's file is not ours to touch");
        Assert.Equal("{\"a\":3}\n", File.ReadAllText(Path.Combine(_directory, "p-20261122T030000Z-0001.jsonl")));
    }

    [Fact]
    public void Recover_CsvPartWithAQuotedNewline_KeepsWholeRecordsOnly()
    {
        Directory.CreateDirectory(_directory);
        var part = Path.Combine(_directory, "p-20261122T020000Z-0001.csv.part");
        File.WriteAllText(part, "a,b\n1,\"x\ny\"\n2,\"half\nof it");

        using (NewSink(FileSinkFormat.Csv, ["a", "b"], pipeline: "p"))
        {
        }

        Assert.Equal("a,b\n1,\"x\ny\"\n", File.ReadAllText(part[..^".part".Length]));
    }

    [Fact]
    public void Recover_PartWithoutAnyNewline_IsEmptied()
    {
        Directory.CreateDirectory(_directory);
        var part = Path.Combine(_directory, "p-20261122T020000Z-0001.jsonl.part");
        File.WriteAllText(part, "{\"half");

        using (new RollingFileWriter(_directory, "p", ".jsonl", 1 << 20, TimeSpan.Zero, _clock))
        {
        }

        Assert.Equal(string.Empty, File.ReadAllText(part[..^".part".Length]));
    }

    [Fact]
    public void Writer_BadName_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new RollingFileWriter(_directory, "../etc", ".jsonl", 100, TimeSpan.Zero, _clock));

    private FileSink NewSink(FileSinkFormat format, string[] columns, bool hasWindow = false, string pipeline = "bitcoin") =>
        new(_directory, pipeline, columns, hasWindow, format, 1 << 20, TimeSpan.Zero, _clock);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
