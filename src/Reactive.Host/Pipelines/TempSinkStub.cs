// TEMPORARY
namespace Reactive.Host.FileSinks;

    internal sealed class BatchFileSink : IDisposable
    {
        public void WriteBatch(long batchId, IReadOnlyList<Reactive.Host.Tables.TableRow> rows) => throw new NotImplementedException();
        public void Dispose() { }
    }
    internal static class TempStubs
    {
        public static BatchFileSink CreateBatchFiles(this FileSinkFactory f, string p, IReadOnlyList<string> c, bool w, FileSinkFormat? format) => throw new NotImplementedException();
        public static long CommitMark(this Reactive.Host.Tables.ITableSink t) => throw new NotImplementedException();
    }

