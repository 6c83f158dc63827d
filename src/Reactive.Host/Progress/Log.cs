using Microsoft.Extensions.Logging;

namespace Reactive.Host.Progress;

internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Information,
        Message = "Progress {Pipeline}: state={State} inputRows={InputRows} rowsParsed={RowsParsed} skippedBlank={SkippedBlank} skippedHeader={SkippedHeader} rowsRejected={RowsRejected} inputRowsPerSecond={InputRate:F1} processedRowsPerSecond={ProcessedRate:F1} outputRows={OutputRows} maxEventTime={MaxEventTime:O} watermark={Watermark:O} stateRows={StateRows} lateRows={LateRows} deadLetters={DeadLetters} nulledFields={NulledFields} queueLength={QueueLength} sinkDroppedRows={SinkDroppedRows} sinkWaitMs={SinkWaitMs:F0} lastError={LastError}")]
    public static partial void Progress(
        ILogger logger,
        string pipeline,
        PipelineState state,
        long inputRows,
        long rowsParsed,
        long skippedBlank,
        long skippedHeader,
        long rowsRejected,
        double inputRate,
        double processedRate,
        long outputRows,
        DateTimeOffset? maxEventTime,
        DateTimeOffset? watermark,
        long stateRows,
        long lateRows,
        long deadLetters,
        long nulledFields,
        long queueLength,
        long sinkDroppedRows,
        double sinkWaitMs,
        string? lastError);
}
