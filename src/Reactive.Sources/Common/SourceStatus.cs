namespace Reactive.Sources;

/// <summary>What a <see cref="SourceStatus"/> reports.</summary>
public enum SourceStatusKind
{
    /// <summary>Not subscribed (yet, or any more).</summary>
    Stopped,

    /// <summary>A socket source is opening a connection.</summary>
    Connecting,

    /// <summary>A socket source is connected and reading lines.</summary>
    Connected,

    /// <summary>A socket connection ended; data sent until the next connection is lost.</summary>
    Disconnected,

    /// <summary>A socket source waits <see cref="SourceStatus.Delay"/> before attempt <see cref="SourceStatus.Attempt"/>.</summary>
    Reconnecting,

    /// <summary>
    /// A socket source ran out of retries and stopped with an error; a Kinesis source did, or met an error that
    /// retrying cannot fix (the stream is missing, the credentials are refused).
    /// </summary>
    GaveUp,

    /// <summary>A directory source started watching its directory.</summary>
    Watching,

    /// <summary>A directory source read every line of a file and recorded it as processed.</summary>
    FileRead,

    /// <summary>A directory source recorded a file as processed without reading it (it was there before the first start).</summary>
    FileSkipped,

    /// <summary>
    /// A directory source did not read a file, or not all of it: it vanished, could not be opened (no permission, I/O
    /// error), is not a regular file, is a link, is over the byte bound, changed after it was taken, or (under a
    /// checkpoint) is gone or shorter when it must be read again after a restart. Each comes with a dead letter.
    /// </summary>
    FileUnreadable,

    /// <summary>A directory source's file system watcher failed; polling goes on.</summary>
    WatcherFailed,

    /// <summary>A Kinesis source listed its stream's shards and says which it reads, which wait for a parent and which it skips.</summary>
    ShardsListed,

    /// <summary>A Kinesis shard waits for its parent shard(s) to be read to their end (each key's records stay in order).</summary>
    ShardWaiting,

    /// <summary>A Kinesis shard is read: from its starting position, or again after retries.</summary>
    ShardReading,

    /// <summary>A Kinesis shard was read to its end (it was closed by a split or merge); its children follow.</summary>
    ShardClosed,

    /// <summary>
    /// A Kinesis call was throttled or failed transiently (server fault, network, timeout): it is tried again after
    /// <see cref="SourceStatus.Delay"/> (attempt <see cref="SourceStatus.Attempt"/>), a shard with the same iterator.
    /// </summary>
    Retrying,

    /// <summary>A Kinesis shard iterator had expired (5 minutes old) and was renewed just after the last record taken.</summary>
    IteratorRenewed,
}

/// <summary>
/// A change in a source's state, for the host to log and show. Sources do not log themselves.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Origin">The source (<c>host:port</c>, directory) or the file concerned.</param>
/// <param name="Message">A human-readable sentence.</param>
/// <param name="Attempt">For <see cref="SourceStatusKind.Reconnecting"/>, <see cref="SourceStatusKind.Retrying"/> and <see cref="SourceStatusKind.GaveUp"/>: the attempt number (1-based); otherwise 0.</param>
/// <param name="Delay">For <see cref="SourceStatusKind.Reconnecting"/> and <see cref="SourceStatusKind.Retrying"/>: the wait before the attempt; otherwise <see langword="null"/>.</param>
public sealed record SourceStatus(SourceStatusKind Kind, string Origin, string Message, int Attempt = 0, TimeSpan? Delay = null);
