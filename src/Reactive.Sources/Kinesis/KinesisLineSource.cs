using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading.Channels;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// The records of every shard of a Kinesis stream, as lines: one observable per shard (a polling loop of
/// GetRecords), merged with Rx <c>Merge</c> as shards appear. Each record is a <see cref="SourceLine"/> with
/// <see cref="SourceLine.Origin"/> <c>STREAM/SHARDID</c>, its number within the shard in this run, its data as UTF-8
/// text and its <see cref="SourceLine.Sequence"/>; <see cref="ObserveRecords"/> gives the full records.
/// </summary>
/// <remarks>
/// <para>Kinesis' limits are kept: at most one GetRecords call per shard every <see cref="KinesisSourceOptions.MinPollInterval"/>
/// (5 per second), <see cref="KinesisSourceOptions.PollInterval"/> between calls once a shard has caught up; throttling,
/// limits, server faults and network errors are retried after a backoff with jitter with the same shard iterator; an
/// expired iterator is renewed just after the last record taken.</para>
/// <para>Resharding keeps each key's order: a closed parent shard is read to its end before its children start (both
/// parents of a merge); a shard whose parent is no longer listed starts at once. New shards are found by listing the
/// stream every <see cref="KinesisSourceOptions.ShardDiscoveryInterval"/>, and at once when a shard ends.</para>
/// <para>A record that is not UTF-8 or is larger than <see cref="KinesisSourceOptions.MaxRecordBytes"/> is a dead letter
/// (<see cref="Rejected"/>), never a failure; it still counts as taken (its line number, the shard's last sequence number).
/// Errors that retrying cannot fix (stream missing, credentials refused, a checkpoint of another stream) end the
/// subscription with a <see cref="KinesisSourceException"/>. Messages never hold a secret.</para>
/// <para>Subscriptions (<see cref="Subscribe"/> and <see cref="ObserveRecords"/>) share one run, started by the first and
/// stopped when the last is disposed. Each run starts where the options say (<see cref="KinesisSourceOptions.Resume"/> or
/// <see cref="KinesisSourceOptions.StartingPosition"/>); the caller keeps each shard's last <see cref="SourceLine.Sequence"/>
/// it processed and resumes from those.</para>
/// </remarks>
public sealed class KinesisLineSource : ILineSource, IDisposable
{
    /// <summary>Code of the dead letter for a record whose data is not valid UTF-8.</summary>
    public const string RecordNotUtf8Code = "record_not_utf8";

    /// <summary>Code of the dead letter for a record larger than <see cref="KinesisSourceOptions.MaxRecordBytes"/>.</summary>
    public const string RecordTooLargeCode = "record_too_large";

    private readonly KinesisSourceOptions _options;
    private readonly IKinesisClient _client;
    private readonly KinesisClient? _ownedClient;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly SourceSignals _signals;
    private readonly IObservable<KinesisLine> _records;
    private KinesisReadSession? _session;

    /// <summary>Creates the source; nothing is called before the first subscription.</summary>
    /// <param name="options">The stream, where to start, pacing and backoff; validated here.</param>
    /// <param name="client">The Kinesis client; when null, a <see cref="KinesisClient"/> on <see cref="KinesisSourceOptions.Kinesis"/>, disposed with the source.</param>
    /// <param name="timeProvider">The clock of every wait (polls, backoff, discovery); <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="jitter">Random numbers for the backoff's jitter; <see cref="Random.Shared"/> by default.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public KinesisLineSource(KinesisSourceOptions options, IKinesisClient? client = null, TimeProvider? timeProvider = null, Random? jitter = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        if (client is null)
        {
            _ownedClient = new KinesisClient(options.Kinesis);
            client = _ownedClient;
        }

        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _random = jitter ?? Random.Shared;
        Resume = options.ResumeByShard;
        _signals = new SourceSignals(options.Stream);
        _records = Observable.Create<KinesisLine>(Start).Publish().RefCount();
    }

    /// <summary>The stream read.</summary>
    public string Stream => _options.Stream;

    /// <inheritdoc />
    public IObservable<SourceRejected> Rejected => _signals.Rejected;

    /// <inheritdoc />
    public IObservable<SourceStatus> Status => _signals.Status;

    /// <inheritdoc />
    public SourceStatus Current => _signals.Current;

    /// <summary>Always <see langword="true"/>: Kinesis keeps records for the stream's retention period, and a run resumes from a checkpoint.</summary>
    public bool CanReplay => true;

    /// <summary>Each shard's progress in the current run (or the last one, once stopped); empty before the first.</summary>
    public IReadOnlyList<KinesisShardProgress> Shards => Volatile.Read(ref _session)?.Snapshot() ?? [];

    internal KinesisSourceOptions Options => _options;

    /// <summary>The checkpoint's last sequence number per shard id, or null without one.</summary>
    internal IReadOnlyDictionary<string, string>? Resume { get; }

    internal IKinesisClient Client => _client;

    internal TimeProvider Time => _time;

    internal SourceSignals Signals => _signals;

    /// <summary>The records with all Kinesis says of them (partition key, arrival time); shares the run with <see cref="Subscribe"/>.</summary>
    public IObservable<KinesisLine> ObserveRecords() => _records;

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<SourceLine> observer) => _records.Select(r => r.ToSourceLine()).Subscribe(observer);

    /// <summary>Disposes the client the source made (not one it was given).</summary>
    public void Dispose() => _ownedClient?.Dispose();

    /// <summary>The wait before retry <paramref name="attempt"/> (1-based), jitter included.</summary>
    internal TimeSpan NextBackoff(int attempt)
    {
        double random;
        lock (_randomGate)
        {
            random = _random.NextDouble();
        }

        return Backoff.Jitter(_options.BaseBackoff(attempt), _options.JitterFraction, random);
    }

    /// <summary>Waits until <paramref name="wait"/> has passed since <paramref name="since"/> (a timestamp of <see cref="Time"/>), never less.</summary>
    internal async Task WaitSinceAsync(long since, TimeSpan wait, CancellationToken cancellation)
    {
        while (true)
        {
            var remaining = wait - _time.GetElapsedTime(since);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            // Timers count whole milliseconds and may round down: wait the rest again rather than call early.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), _time, cancellation).ConfigureAwait(false);
        }
    }

    internal void Publish(SourceStatusKind kind, string origin, string message, int attempt = 0, TimeSpan? delay = null) =>
        _signals.Publish(new SourceStatus(kind, origin, message, attempt, delay));

    private IDisposable Start(IObserver<KinesisLine> observer)
    {
        var session = new KinesisReadSession(this);
        Volatile.Write(ref _session, session);
        var subscription = session.Shards.Merge().Subscribe(observer);
        return Disposable.Create(() =>
        {
            subscription.Dispose();
            if (!session.Failed)
            {
                Publish(SourceStatusKind.Stopped, Stream, $"{Stream}: stopped.");
            }
        });
    }
}

/// <summary>
/// One run of a <see cref="KinesisLineSource"/>: lists the stream's shards (at the start, every discovery interval, and
/// when a shard ends), decides where each new shard starts and which parents it waits for, and hands each shard's
/// observable to <c>Merge</c>.
/// </summary>
internal sealed class KinesisReadSession
{
    private readonly KinesisLineSource _source;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KinesisShardReader> _readers = new(StringComparer.Ordinal);
    private readonly List<KinesisShardReader> _order = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public KinesisReadSession(KinesisLineSource source)
    {
        _source = source;
        Shards = Observable.Create<IObservable<KinesisLine>>(DiscoverAsync);
    }

    /// <summary>Whether the run stopped with an error (its last status says why).</summary>
    public bool Failed { get; private set; }

    /// <summary>Each shard's observable, as the shard is found.</summary>
    public IObservable<IObservable<KinesisLine>> Shards { get; }

    public IReadOnlyList<KinesisShardProgress> Snapshot()
    {
        lock (_gate)
        {
            return [.. _order.Select(r => r.Progress())];
        }
    }

    /// <summary>Lists the shards again now rather than at the next interval (a shard ended: its children are due).</summary>
    public void DiscoverSoon() => _wake.Writer.TryWrite(true);

    private async Task DiscoverAsync(IObserver<IObservable<KinesisLine>> observer, CancellationToken cancellation)
    {
        var options = _source.Options;
        var stream = options.Stream;
        var first = true;
        var attempt = 0;
        try
        {
            while (true)
            {
                var listedAt = _source.Time.GetTimestamp();
                IReadOnlyList<KinesisShard> shards;
                try
                {
                    shards = await _source.Client.ListAllShardsAsync(stream, cancellationToken: cancellation).ConfigureAwait(false);
                    attempt = 0;
                }
                catch (KinesisException e) when (e.IsRetryable || e.Code == KinesisErrorCode.ExpiredNextToken)
                {
                    attempt++;
                    if (options.MaxRetries is { } max && attempt > max)
                    {
                        throw Fail($"{stream}: listing the shards failed {attempt} times in a row ({e.Code}); gave up (KinesisSourceOptions.MaxRetries = {max}). Last error: {e.Message}", null, e);
                    }

                    var delay = _source.NextBackoff(attempt);
                    _source.Publish(SourceStatusKind.Retrying, stream, $"{stream}: listing the shards failed ({e.Code}), retrying in {delay.TotalMilliseconds:0} ms (attempt {attempt}).", attempt, delay);
                    await _source.WaitSinceAsync(_source.Time.GetTimestamp(), delay, cancellation).ConfigureAwait(false);
                    continue;
                }
                catch (KinesisException e)
                {
                    throw Fail(e.Code == KinesisErrorCode.ResourceNotFound
                        ? $"{stream}: the Kinesis stream was not found (KinesisSourceOptions.Stream = '{stream}'; check the name, the region and KinesisOptions.ServiceUrl). {e.Message}"
                        : $"{stream}: listing the shards failed with {e.Code}{Advice(e.Code)}. {e.Message}", null, e);
                }

                foreach (var shard in AddNew(shards, first))
                {
                    observer.OnNext(shard);
                }

                first = false;
                await WaitForDiscoveryAsync(listedAt, cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
    }

    /// <summary>Makes a reader for each shard not seen before, wires it to its parents, and returns the observables of those to read.</summary>
    private List<IObservable<KinesisLine>> AddNew(IReadOnlyList<KinesisShard> shards, bool first)
    {
        var options = _source.Options;
        var stream = options.Stream;
        var fresh = new List<KinesisShardReader>();
        lock (_gate)
        {
            // A closed shard the checkpoint does not name, one of whose descendants it names, was read (or skipped) before.
            var readBefore = first && _source.Resume is { } resume ? AncestorsOf(resume.Keys, shards) : [];
            foreach (var shard in shards)
            {
                if (_readers.ContainsKey(shard.ShardId))
                {
                    continue;
                }

                var (start, skip) = StartOf(shard, first, readBefore);
                var reader = new KinesisShardReader(_source, this, shard, start, skip);
                _readers.Add(shard.ShardId, reader);
                _order.Add(reader);
                fresh.Add(reader);
            }

            // After all are made: a listing need not put parents before their children.
            foreach (var reader in fresh)
            {
                reader.Parents = [.. reader.ParentIds.Where(_readers.ContainsKey).Select(p => _readers[p])];
            }
        }

        if (fresh.Count > 0)
        {
            var read = fresh.Where(r => r.State != KinesisShardState.Skipped).Select(r => r.ShardId).ToArray();
            var skipped = fresh.Where(r => r.State == KinesisShardState.Skipped).Select(r => r.ShardId).ToArray();
            var message = first
                ? $"{stream}: {shards.Count} shard(s) listed; reading {Names(read)}{(skipped.Length > 0 ? $"; skipped (closed, read before or nothing new) {Names(skipped)}" : string.Empty)}."
                : $"{stream}: new shard(s) {Names(read)}.";
            if (first && _source.Resume is { } checkpoint)
            {
                var gone = checkpoint.Keys.Where(k => !shards.Any(s => s.ShardId == k)).Order(StringComparer.Ordinal).ToArray();
                if (gone.Length > 0)
                {
                    message += $" Checkpoint entries of shards no longer listed (expired) are ignored: {Names(gone)}.";
                }
            }

            _source.Publish(SourceStatusKind.ShardsListed, stream, message);
        }

        return [.. fresh.Where(r => r.State != KinesisShardState.Skipped).Select(r => r.Observable)];
    }

    /// <summary>Where a new shard starts, or whether it is skipped.</summary>
    private (ShardIteratorPosition Start, bool Skip) StartOf(KinesisShard shard, bool first, HashSet<string> readBefore)
    {
        var options = _source.Options;
        if (_source.Resume is { } resume)
        {
            if (resume.TryGetValue(shard.ShardId, out var sequence))
            {
                return (ShardIteratorPosition.AfterSequenceNumber(sequence), false);
            }

            return (ShardIteratorPosition.TrimHorizon, readBefore.Contains(shard.ShardId));
        }

        // Shards made after the start (children of a split or merge) hold only records put since: all of them are new.
        if (!first)
        {
            return (ShardIteratorPosition.TrimHorizon, false);
        }

        return options.StartingType switch
        {
            ShardIteratorType.TrimHorizon => (ShardIteratorPosition.TrimHorizon, false),
            ShardIteratorType.AtTimestamp => (ShardIteratorPosition.AtTimestamp(options.AtTimestamp!.Value), false),
            _ => (ShardIteratorPosition.Latest, shard.IsClosed),
        };
    }

    /// <summary>The shards above any of <paramref name="named"/> (parents, their parents…), minus the named ones.</summary>
    private static HashSet<string> AncestorsOf(IEnumerable<string> named, IReadOnlyList<KinesisShard> shards)
    {
        var byId = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        var names = named.ToHashSet(StringComparer.Ordinal);
        var ancestors = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(names);
        while (pending.TryPop(out var id))
        {
            if (!byId.TryGetValue(id, out var shard))
            {
                continue;
            }

            foreach (var parent in new[] { shard.ParentShardId, shard.AdjacentParentShardId })
            {
                if (parent is not null && !names.Contains(parent) && ancestors.Add(parent))
                {
                    pending.Push(parent);
                }
            }
        }

        return ancestors;
    }

    private async Task WaitForDiscoveryAsync(long listedAt, CancellationToken cancellation)
    {
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellation))
        {
            var interval = _source.WaitSinceAsync(listedAt, _source.Options.ShardDiscoveryInterval, wait.Token);
            var wake = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            await Task.WhenAny(interval, wake).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }

        cancellation.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);

        // Never list more often than a shard is polled, however often shards end.
        await _source.WaitSinceAsync(listedAt, KinesisSourceOptions.MinPollInterval, cancellation).ConfigureAwait(false);
    }

    internal KinesisSourceException Fail(string message, string? shardId, Exception? inner)
    {
        Failed = true;
        _source.Publish(SourceStatusKind.GaveUp, shardId is null ? _source.Stream : $"{_source.Stream}/{shardId}", message);
        return new KinesisSourceException(message, _source.Stream, shardId, inner);
    }

    /// <summary>What to change for an error that retrying does not fix, as a clause.</summary>
    internal static string Advice(KinesisErrorCode code) => code switch
    {
        _ when KinesisErrors.IsAuthentication(code) => " (the credentials were refused: check KinesisOptions.AccessKeyId and KinesisOptions.SecretAccessKey, or the default chain's, and the IAM permissions kinesis:ListShards, kinesis:GetShardIterator and kinesis:GetRecords)",
        KinesisErrorCode.CredentialsUnavailable => " (no credentials: set KinesisOptions.AccessKeyId and KinesisOptions.SecretAccessKey, or AWS's environment variables or profile)",
        KinesisErrorCode.Kms => " (the stream's KMS key cannot be used)",
        _ => string.Empty,
    };

    private static string Names(IReadOnlyCollection<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
