using System.Buffers;
using System.Reactive.Linq;
using System.Text;
using System.Text.Unicode;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// One shard's polling loop: waits for its parents, gets an iterator, then calls GetRecords at Kinesis' pace until the
/// shard ends (closed and read through) or the subscription is disposed. The loop alone writes the reading state;
/// <see cref="Progress"/> reads it under a lock from any thread.
/// </summary>
internal sealed class KinesisShardReader
{
    private readonly KinesisLineSource _source;
    private readonly KinesisReadSession _session;
    private readonly KinesisShard _shard;
    private readonly ShardIteratorPosition _start;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _origin;
    private readonly Lock _gate = new();
    private KinesisShardState _state;
    private long _recordsRead;
    private long _recordsRejected;
    private string? _lastSequence;
    private long? _millisBehind;
    private long _calls;
    private long _throttles;
    private long _retries;
    private long _renewals;

    public KinesisShardReader(KinesisLineSource source, KinesisReadSession session, KinesisShard shard, ShardIteratorPosition start, bool skip)
    {
        _source = source;
        _session = session;
        _shard = shard;
        _start = start;
        _origin = $"{source.Stream}/{shard.ShardId}";
        _lastSequence = start.Type == ShardIteratorType.AfterSequenceNumber ? start.SequenceNumber : null;
        _state = skip ? KinesisShardState.Skipped : KinesisShardState.Pending;
        if (skip)
        {
            _finished.TrySetResult();
        }

        Observable = System.Reactive.Linq.Observable.Create<KinesisLine>(RunAsync);
    }

    public string ShardId => _shard.ShardId;

    /// <summary>The ids of the shard's parents (one after a split, two after a merge, none at first).</summary>
    public IEnumerable<string> ParentIds => new[] { _shard.ParentShardId, _shard.AdjacentParentShardId }.OfType<string>();

    /// <summary>The readers of the parents still listed, set before the loop starts; a parent no longer listed is not waited for.</summary>
    public KinesisShardReader[] Parents { get; set; } = [];

    /// <summary>The shard's records; subscribing starts the loop, disposing stops it.</summary>
    public IObservable<KinesisLine> Observable { get; }

    /// <summary>Completes once the shard has been read to its end (or was skipped): its children may start.</summary>
    public Task Finished => _finished.Task;

    public KinesisShardState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public KinesisShardProgress Progress()
    {
        lock (_gate)
        {
            return new KinesisShardProgress(
                _shard.ShardId,
                _shard.ParentShardId,
                _shard.AdjacentParentShardId,
                _state,
                _start.ToString(),
                _recordsRead,
                _recordsRejected,
                _lastSequence,
                _millisBehind,
                _calls,
                _throttles,
                _retries,
                _renewals);
        }
    }

    private async Task RunAsync(IObserver<KinesisLine> observer, CancellationToken cancellation)
    {
        try
        {
            var pending = Parents.Where(p => !p.Finished.IsCompleted).ToArray();
            if (pending.Length > 0)
            {
                SetState(KinesisShardState.WaitingForParent);
                Publish(SourceStatusKind.ShardWaiting, $"{_origin}: waiting for its parent shard(s) {string.Join(", ", pending.Select(p => p.ShardId))} to be read to their end.");
                await Task.WhenAll(pending.Select(p => p.Finished)).WaitAsync(cancellation).ConfigureAwait(false);
            }

            await ReadAsync(observer, cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            lock (_gate)
            {
                if (_state is not (KinesisShardState.Closed or KinesisShardState.Skipped))
                {
                    _state = KinesisShardState.Stopped;
                }
            }
        }
    }

    private async Task ReadAsync(IObserver<KinesisLine> observer, CancellationToken cancellation)
    {
        var options = _source.Options;
        var client = _source.Client;
        var time = _source.Time;
        var position = _start;
        string? iterator = null;
        var attempt = 0;
        long? lastCall = null;
        var pause = TimeSpan.Zero;
        long lineNumber = 0;

        SetState(KinesisShardState.Reading);
        Publish(SourceStatusKind.ShardReading, $"{_origin}: reading from {position}.");
        while (true)
        {
            try
            {
                iterator ??= await client.GetShardIteratorAsync(options.Stream, _shard.ShardId, position, cancellation).ConfigureAwait(false);
                if (lastCall is { } last)
                {
                    await _source.WaitSinceAsync(last, pause, cancellation).ConfigureAwait(false);
                }

                lastCall = time.GetTimestamp();
                lock (_gate)
                {
                    _calls++;
                }

                var page = await client.GetRecordsAsync(iterator, options.MaxRecordsPerCall, cancellation).ConfigureAwait(false);
                if (attempt > 0)
                {
                    SetState(KinesisShardState.Reading);
                    Publish(SourceStatusKind.ShardReading, $"{_origin}: reading again after {attempt} retr{(attempt == 1 ? "y" : "ies")}.");
                    attempt = 0;
                }

                lineNumber = Deliver(page, lineNumber, observer, cancellation);
                if (page.NextShardIterator is null)
                {
                    Close(page);
                    return;
                }

                iterator = page.NextShardIterator;

                // Behind (a full page, or further behind the tip than one poll): go on at the fastest pace Kinesis allows.
                var behind = page.Records.Count >= options.MaxRecordsPerCall || page.MillisBehindLatest > options.PollInterval.TotalMilliseconds;
                pause = behind ? KinesisSourceOptions.MinPollInterval : options.PollInterval;
            }
            catch (KinesisException e) when (e.Code == KinesisErrorCode.ExpiredIterator)
            {
                string? after;
                lock (_gate)
                {
                    _renewals++;
                    after = _lastSequence;
                }

                // With nothing taken yet the start is used again: from LATEST, what was put while the iterator lay
                // unused (5 minutes at least) is then not read, as Kinesis has no position in between to give.
                iterator = null;
                position = after is null ? _start : ShardIteratorPosition.AfterSequenceNumber(after);
                pause = KinesisSourceOptions.MinPollInterval;
                Publish(SourceStatusKind.IteratorRenewed, $"{_origin}: the shard iterator expired; renewed from {position}.");
            }
            catch (KinesisException e) when (e.IsRetryable)
            {
                attempt++;
                var throttled = e.Code is KinesisErrorCode.ProvisionedThroughputExceeded or KinesisErrorCode.LimitExceeded
                    or KinesisErrorCode.Throttling or KinesisErrorCode.KmsThrottling;
                lock (_gate)
                {
                    _retries++;
                    if (throttled)
                    {
                        _throttles++;
                    }
                }

                if (options.MaxRetries is { } max && attempt > max)
                {
                    throw _session.Fail(
                        $"{_origin}: {e.Operation} failed {attempt} times in a row ({e.Code}); gave up (KinesisSourceOptions.MaxRetries = {max}). Last error: {e.Message}",
                        _shard.ShardId,
                        e);
                }

                // The backoff, but never sooner than the pace allows after the failed call.
                var delay = _source.NextBackoff(attempt);
                if (lastCall is { } failed && KinesisSourceOptions.MinPollInterval - time.GetElapsedTime(failed) is var rest && rest > delay)
                {
                    delay = rest;
                }

                SetState(KinesisShardState.Retrying);
                var what = throttled ? $"throttled ({e.Code})" : $"{e.Operation} failed ({e.Code})";
                Publish(SourceStatusKind.Retrying, $"{_origin}: {what}, retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt}).", attempt, delay);
                await _source.WaitSinceAsync(time.GetTimestamp(), delay, cancellation).ConfigureAwait(false);
                pause = KinesisSourceOptions.MinPollInterval;
            }
            catch (KinesisException e)
            {
                throw _session.Fail(Explain(e, position), _shard.ShardId, e);
            }
        }
    }

    /// <summary>Sends a page's records on as lines or dead letters; returns the last line number given.</summary>
    private long Deliver(GetRecordsResponse page, long lineNumber, IObserver<KinesisLine> observer, CancellationToken cancellation)
    {
        lock (_gate)
        {
            _millisBehind = page.MillisBehindLatest;
        }

        foreach (var record in page.Records)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }

            lineNumber++;
            var rejected = Reject(record, lineNumber);
            lock (_gate)
            {
                _recordsRead++;
                _lastSequence = record.SequenceNumber;
                if (rejected is not null)
                {
                    _recordsRejected++;
                }
            }

            if (rejected is not null)
            {
                _source.Signals.Reject(rejected);
                continue;
            }

            observer.OnNext(new KinesisLine(
                _origin,
                _shard.ShardId,
                lineNumber,
                Encoding.UTF8.GetString(record.Data.Span),
                record.SequenceNumber,
                record.PartitionKey,
                record.ApproximateArrivalTimestamp));
        }

        return lineNumber;
    }

    /// <summary>The dead letter of a record that cannot be a line (too large, not UTF-8), or null when it can.</summary>
    private SourceRejected? Reject(KinesisRecord record, long lineNumber)
    {
        var data = record.Data.Span;
        var max = _source.Options.MaxRecordBytes;
        if (data.Length > max)
        {
            return new SourceRejected(
                _origin,
                lineNumber,
                KinesisLineSource.RecordTooLargeCode,
                $"Record {record.SequenceNumber} of {_origin} (partition key '{record.PartitionKey}') has {data.Length} bytes, more than KinesisSourceOptions.MaxRecordBytes ({max}); it was skipped. Raise KinesisSourceOptions.MaxRecordBytes to accept it.",
                Head(data));
        }

        if (Utf8.IsValid(data))
        {
            return null;
        }

        return new SourceRejected(
            _origin,
            lineNumber,
            KinesisLineSource.RecordNotUtf8Code,
            $"Record {record.SequenceNumber} of {_origin} (partition key '{record.PartitionKey}') is not valid UTF-8 (from byte {InvalidAt(data)} of {data.Length}); it was skipped.",
            Head(data));
    }

    private void Close(GetRecordsResponse page)
    {
        SetState(KinesisShardState.Closed);
        var children = page.ChildShards.Count > 0 ? $"; its children {string.Join(", ", page.ChildShards.Select(c => c.ShardId))} follow" : "; its children follow";
        Publish(SourceStatusKind.ShardClosed, $"{_origin}: read to its end (the shard is closed){children}.");
        _finished.TrySetResult();
        _session.DiscoverSoon();
    }

    private string Explain(KinesisException e, ShardIteratorPosition position) => e.Code switch
    {
        KinesisErrorCode.InvalidArgument when position.Type == ShardIteratorType.AfterSequenceNumber && _source.Resume?.ContainsKey(_shard.ShardId) == true =>
            $"{_origin}: the checkpoint's sequence number {position.SequenceNumber} (KinesisSourceOptions.Resume[{_shard.ShardId}]) does not fit this shard ({e.Code}): is the checkpoint of another stream? Reset it to start over. {e.Message}",
        KinesisErrorCode.ResourceNotFound =>
            $"{_origin}: the shard or its stream was not found ({e.Code}): was the stream deleted? {e.Message}",
        _ => $"{_origin}: {e.Operation} failed with {e.Code}{KinesisReadSession.Advice(e.Code)}. {e.Message}",
    };

    private void SetState(KinesisShardState state)
    {
        lock (_gate)
        {
            _state = state;
        }
    }

    private void Publish(SourceStatusKind kind, string message, int attempt = 0, TimeSpan? delay = null) =>
        _source.Publish(kind, _origin, message, attempt, delay);

    /// <summary>The start of the data as text (invalid bytes as U+FFFD), at most <see cref="SourceRejected.MaxRawLength"/> characters.</summary>
    private static string Head(ReadOnlySpan<byte> data)
    {
        var text = Encoding.UTF8.GetString(data[..Math.Min(data.Length, SourceRejected.MaxRawLength * 4)]);
        return text.Length <= SourceRejected.MaxRawLength ? text : text[..SourceRejected.MaxRawLength];
    }

    /// <summary>The index of the first byte that is not part of a valid UTF-8 sequence.</summary>
    private static int InvalidAt(ReadOnlySpan<byte> data)
    {
        var chars = ArrayPool<char>.Shared.Rent(data.Length);
        try
        {
            Utf8.ToUtf16(data, chars, out var read, out _, replaceInvalidSequences: false);
            return read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
