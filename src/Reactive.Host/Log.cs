using Microsoft.Extensions.Logging;

namespace Reactive.Host;

/// <summary>The host's log messages, with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Pipeline {Pipeline} ({Kind}) starting: source {Source}")]
    public static partial void PipelineStarting(ILogger logger, string pipeline, string kind, string source);

    [LoggerMessage(1001, LogLevel.Information, "Pipeline {Pipeline} finished: read {Read} rows, emitted {Emitted} results, rejected {Rejected} rows")]
    public static partial void PipelineFinished(ILogger logger, string pipeline, long read, long emitted, long rejected);

    [LoggerMessage(1002, LogLevel.Error, "Pipeline {Pipeline} failed: {Reason}; restarting in {Delay} (attempt {Attempt})")]
    public static partial void PipelineFailed(ILogger logger, string pipeline, string reason, TimeSpan delay, int attempt);

    [LoggerMessage(1003, LogLevel.Debug, "Pipeline {Pipeline} batch {BatchTime}: read {Read} rows, emitted {Emitted} results, rejected {Rejected} rows (totals)")]
    public static partial void BatchEmitted(ILogger logger, string pipeline, DateTimeOffset batchTime, long read, long emitted, long rejected);

    [LoggerMessage(1009, LogLevel.Debug, "Pipeline {Pipeline} dropped a late row from {Origin} line {Line}: {Reason}")]
    public static partial void RowLate(ILogger logger, string pipeline, string origin, long line, string reason);

    [LoggerMessage(1005, LogLevel.Information, "Pipeline {Pipeline} source: {Status}")]
    public static partial void SourceStatus(ILogger logger, string pipeline, string status);

    [LoggerMessage(1006, LogLevel.Warning, "Pipeline {Pipeline} source: {Status}")]
    public static partial void SourceWarning(ILogger logger, string pipeline, string status);

    [LoggerMessage(1007, LogLevel.Information, "Enabled pipelines: {Pipelines}")]
    public static partial void EnabledPipelines(ILogger logger, string pipelines);

    [LoggerMessage(1008, LogLevel.Warning, "No pipeline is enabled; the service only serves its HTTP API. Enable one in appsettings.json or with --pipelines")]
    public static partial void NoPipelines(ILogger logger);

    [LoggerMessage(1010, LogLevel.Information, "Pipeline {Pipeline} batch {BatchId} progress: {Progress}")]
    public static partial void BatchProgress(ILogger logger, string pipeline, long batchId, string progress);

    [LoggerMessage(1011, LogLevel.Warning, "Pipeline {Pipeline} repeats batch {BatchId} ({Lines} lines) after a restart: it was planned and not committed; its results replace what it wrote before")]
    public static partial void BatchRepeated(ILogger logger, string pipeline, long batchId, int lines);

    [LoggerMessage(1012, LogLevel.Information, "Pipeline {Pipeline} checkpoint {Directory}: {What}")]
    public static partial void CheckpointRecovered(ILogger logger, string pipeline, string directory, string what);

    [LoggerMessage(1014, LogLevel.Error, "Pipeline {Pipeline} stopped: {Reason}")]
    public static partial void PipelineCheckpointUnusable(ILogger logger, string pipeline, string reason);

    [LoggerMessage(1013, LogLevel.Warning, "Pipeline {Pipeline} checkpoint {Directory}: {Warning}")]
    public static partial void CheckpointWarning(ILogger logger, string pipeline, string directory, string warning);

    [LoggerMessage(1020, LogLevel.Information, "Reactive instance {Id} listens at {Address} (told in {Path}, where reactive sql finds it)")]
    public static partial void InstanceStarted(ILogger logger, string id, string address, string path);

    [LoggerMessage(1021, LogLevel.Warning, "Cannot write or remove the instance file in {Directory}: {Reason} (reactive sql then needs --url)")]
    public static partial void InstanceFileFailed(ILogger logger, string directory, string reason);

    [LoggerMessage(1022, LogLevel.Information, "In-process wallet simulator at {Address}, user {User}, priced by {Price}; wallet and order journal: {Storage}")]
    public static partial void InProcessSimulatorStarted(ILogger logger, string address, string user, string price, string storage);

    [LoggerMessage(1023, LogLevel.Information, "Native memory: malloc arenas {Outcome}")]
    public static partial void MallocArenas(ILogger logger, string outcome);
}
