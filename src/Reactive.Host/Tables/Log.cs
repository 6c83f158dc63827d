using Microsoft.Extensions.Logging;

namespace Reactive.Host.Tables;

internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Memory table {Table} created ({Mode}, at most {MaxRows} rows; queue of {QueueCapacity} writes, when full: {WhenFull})")]
    public static partial void TableCreated(ILogger logger, string table, OutputMode mode, int maxRows, int queueCapacity, TableFullPolicy whenFull);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Memory table {Table}: {Evicted} oldest rows evicted to keep {MaxRows} rows (raise Tables:MaxRowsPerTable to keep more)")]
    public static partial void RowsEvicted(ILogger logger, string table, long evicted, int maxRows);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Error, Message = "Memory table {Table}: the writer failed on a batch of {Count} writes; the batch is dropped")]
    public static partial void BatchFailed(ILogger logger, string table, int count, Exception exception);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Memory table {Table}: the first eviction happened; it keeps the newest {MaxRows} rows (raise Tables:MaxRowsPerTable to keep more)")]
    public static partial void FirstEviction(ILogger logger, string table, int maxRows);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Memory table {Table}: its queue of {QueueCapacity} writes is full and the policy is Drop: {Dropped:N0} rows dropped so far (raise Tables:QueueCapacity, or set Tables:WhenFull to Wait)")]
    public static partial void RowsDropped(ILogger logger, string table, int queueCapacity, long dropped);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Durable table {Table} resumed at commit mark {Mark}: {Deleted} rows of an uncommitted batch deleted, {Rows} rows kept")]
    public static partial void TableResumed(ILogger logger, string table, long mark, long deleted, long rows);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Durable table {Table} is missing or has other columns, window, output mode or keys: created empty, so the results committed before mark {Mark} are not in it")]
    public static partial void TableRecreated(ILogger logger, string table, long mark);
}
