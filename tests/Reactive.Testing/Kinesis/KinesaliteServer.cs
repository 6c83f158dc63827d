using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reactive.Testing.Kinesis;

/// <summary>Settings of a <see cref="KinesaliteServer"/>.</summary>
public sealed record KinesaliteOptions
{
    /// <summary>The port; 0 lets the system choose a free one.</summary>
    public int Port { get; init; }

    /// <summary>How long a new stream stays CREATING.</summary>
    public TimeSpan CreateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a resharded stream stays UPDATING.</summary>
    public TimeSpan UpdateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The open shards the server allows over all its streams (kinesalite's own default is 10).</summary>
    public int ShardLimit { get; init; } = 100;

    /// <summary>A folder to keep the streams in, so they survive <see cref="KinesaliteServer.RestartAsync"/>; in memory when null.</summary>
    public string? DataPath { get; init; }

    /// <summary>How long to wait for the ready line.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>A record the node producer (<c>tests/kinesis/produce.js</c>, on the AWS SDK for JavaScript) wrote.</summary>
/// <param name="PartitionKey">Its partition key.</param>
/// <param name="Data">Its data (UTF-8 text).</param>
/// <param name="ShardId">The shard it went to.</param>
/// <param name="SequenceNumber">Its sequence number.</param>
public sealed record ProducedRecord(string PartitionKey, string Data, string ShardId, string SequenceNumber);

/// <summary>
/// A kinesalite server (Kinesis from npm) started by a test with <c>node tests/kinesis/kinesalite.js</c> on
/// 127.0.0.1: on a free port by default, ready once it has printed its ready line, stopped by its process
/// id. It exits on its own if the test host dies (its standard input closes). Needs <c>npm ci</c> at the
/// repository root first; fails with a message saying so otherwise.
/// </summary>
/// <example>
/// <code>
/// await using var kinesalite = await KinesaliteServer.StartAsync();
/// var client = new KinesisClient(new KinesisOptions { ServiceUrl = kinesalite.Endpoint.ToString(), AccessKeyId = "AKID", SecretAccessKey = "secret" });
/// var written = await kinesalite.ProduceAsync("stream", count: 100, createShards: 2);
/// </code>
/// </example>
public sealed partial class KinesaliteServer : IAsyncDisposable, IDisposable
{
    private readonly KinesaliteOptions _options;
    private readonly StringBuilder _errors = new();
    private Process? _process;

    private KinesaliteServer(KinesaliteOptions options)
    {
        _options = options;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Its URL, <c>http://127.0.0.1:PORT/</c>, the service URL of a Kinesis client.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The process id of the running server (node itself), or null when stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>What the server wrote to its error output so far.</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Starts a server and returns once it listens.</summary>
    /// <exception cref="InvalidOperationException">node or the npm packages are missing (run <c>npm ci</c>), or the server failed to start.</exception>
    public static async Task<KinesaliteServer> StartAsync(KinesaliteOptions? options = null, CancellationToken cancellationToken = default)
    {
        NodeTools.EnsureInstalled("kinesalite");
        var server = new KinesaliteServer(options ?? new KinesaliteOptions());
        try
        {
            await server.LaunchAsync(server._options.Port, cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the server (kills its process) and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        var process = Interlocked.Exchange(ref _process, null);
        if (process is null)
        {
            return;
        }

        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
        }
    }

    /// <summary>Stops the server and starts it again on the same port (its streams survive only with <see cref="KinesaliteOptions.DataPath"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await LaunchAsync(Port, cancellationToken);
    }

    /// <summary>
    /// Puts records with the independent node producer (<c>tests/kinesis/produce.js</c>): <paramref name="count"/>
    /// JSON records <c>{"id":i,"key":"key-…"}</c> with partition keys spread over <paramref name="keys"/> values
    /// (all different when null), into a stream it first creates when <paramref name="createShards"/> is given.
    /// </summary>
    /// <returns>What it wrote, in order.</returns>
    public async Task<IReadOnlyList<ProducedRecord>> ProduceAsync(string stream, int count, int? createShards = null, int? keys = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        NodeTools.EnsureInstalled("@aws-sdk/client-kinesis", "@smithy/node-http-handler");
        List<string> arguments = ["--endpoint", Endpoint.ToString().TrimEnd('/'), "--stream", stream, "--count", Invariant(count)];
        if (createShards is { } shards)
        {
            arguments.AddRange(["--create", Invariant(shards)]);
        }

        if (keys is { } k)
        {
            arguments.AddRange(["--keys", Invariant(k)]);
        }

        return await RunProducerAsync(arguments);
    }

    /// <summary>
    /// Puts each non-empty line of <paramref name="inputFile"/> as one record (partition key <c>line-N</c>, N the line's
    /// number in the file) with the independent node producer (<c>tests/kinesis/produce.js --input</c>), into a stream it
    /// first creates when <paramref name="createShards"/> is given.
    /// </summary>
    /// <returns>What it wrote, in the file's order, with the shard and sequence number each record got.</returns>
    public async Task<IReadOnlyList<ProducedRecord>> ProduceFileAsync(string stream, string inputFile, int? createShards = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(inputFile);
        NodeTools.EnsureInstalled("@aws-sdk/client-kinesis", "@smithy/node-http-handler");
        List<string> arguments = ["--endpoint", Endpoint.ToString().TrimEnd('/'), "--stream", stream, "--input", inputFile];
        if (createShards is { } shards)
        {
            arguments.AddRange(["--create", Invariant(shards)]);
        }

        return await RunProducerAsync(arguments);
    }

    private static async Task<IReadOnlyList<ProducedRecord>> RunProducerAsync(List<string> arguments)
    {
        var result = await NodeTools.RunAsync(NodeTools.KinesisScript("produce.js"), arguments, TimeSpan.FromMinutes(2));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"produce.js exited with {result.ExitCode}: {result.Error}");
        }

        return [.. result.Output.Where(line => line.StartsWith("{\"partitionKey\"", StringComparison.Ordinal)).Select(ParseProduced)];
    }

    /// <summary>A copy of a kinesalite shard iterator made <paramref name="age"/> earlier (iterators expire after 5 minutes).</summary>
    public async Task<string> AgeIteratorAsync(string iterator, TimeSpan age)
    {
        ArgumentException.ThrowIfNullOrEmpty(iterator);
        var result = await NodeTools.RunAsync(NodeTools.KinesisScript("age-iterator.js"), [iterator, Invariant((long)age.TotalSeconds)], TimeSpan.FromMinutes(1));
        return result.ExitCode == 0 && result.Output.Count == 1
            ? result.Output[0]
            : throw new InvalidOperationException($"age-iterator.js exited with {result.ExitCode}: {result.Error}");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    /// <inheritdoc />
    public void Dispose() => StopAsync().GetAwaiter().GetResult();

    private async Task LaunchAsync(int port, CancellationToken cancellationToken)
    {
        List<string> arguments =
        [
            "--port", Invariant(port),
            "--create-ms", Invariant((long)_options.CreateStreamDelay.TotalMilliseconds),
            "--update-ms", Invariant((long)_options.UpdateStreamDelay.TotalMilliseconds),
            "--shard-limit", Invariant(_options.ShardLimit),
            "--exit-with-stdin",
        ];
        if (_options.DataPath is { } path)
        {
            arguments.AddRange(["--path", path]);
        }

        var ready = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = NodeTools.Start(NodeTools.KinesisScript("kinesalite.js"), arguments);
        _process = process;
        process.EnableRaisingEvents = true;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && ReadyLine().Match(line) is { Success: true } match)
            {
                ready.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_errors)
                {
                    _errors.AppendLine(line);
                }
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"kinesalite exited before it was ready (exit code {process.ExitCode}): {ErrorOutput}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            Port = await ready.Task.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"kinesalite printed no ready line within {_options.StartTimeout}: {ErrorOutput}");
        }
    }

    private static ProducedRecord ParseProduced(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new ProducedRecord(
            root.GetProperty("partitionKey").GetString()!,
            root.GetProperty("data").GetString()!,
            root.GetProperty("shardId").GetString()!,
            root.GetProperty("sequenceNumber").GetString()!);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^kinesalite ready on http://127\.0\.0\.1:(?<port>\d+)$")]
    private static partial Regex ReadyLine();
}
