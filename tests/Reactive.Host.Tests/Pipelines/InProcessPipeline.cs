using System.Reactive.Concurrency;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Reactive.Host.Configuration;
using Reactive.Host.DeadLetters;
using Reactive.Host.Http;
using Reactive.Host.Pipelines;
using Reactive.Host.Progress;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>
/// One configured pipeline run in this process as the service runs it (<see cref="PipelineService"/>), on a clock and a
/// scheduler of the test's choosing, its dead letters counted into its progress as the service counts them.
/// </summary>
internal sealed class InProcessPipeline : IAsyncDisposable
{
    private readonly PipelineService _service;
    private readonly TimeProvider _time;

    private InProcessPipeline(PipelineService service, PipelineProgressRegistry registry, PipelineProgress progress, TimeProvider time)
    {
        _service = service;
        Registry = registry;
        Progress = progress;
        _time = time;
    }

    public PipelineProgressRegistry Registry { get; }

    public PipelineProgress Progress { get; }

    /// <summary>Completes when the pipeline stops for good (finite input ended, or disposed).</summary>
    public Task Completion => _service.ExecuteTask ?? Task.CompletedTask;

    /// <summary>Starts pipeline <paramref name="name"/> configured by <paramref name="settings"/> (keys under <c>Pipelines:name:</c>).</summary>
    public static Task<InProcessPipeline> StartAsync(string name, TimeProvider time, IScheduler scheduler, params (string Key, string Value)[] settings) =>
        StartAsync(name, time, scheduler, TextWriter.Null, settings);

    /// <summary>Starts pipeline <paramref name="name"/>, its console results (standard output in the service) written to <paramref name="stdout"/>.</summary>
    public static async Task<InProcessPipeline> StartAsync(string name, TimeProvider time, IScheduler scheduler, TextWriter stdout, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"Pipelines:{name}:{s.Key}", s.Value)))
            .Build();
        var catalog = PipelineCatalog.Load(configuration, out var errors);
        Assert.Empty(errors);
        var definition = Assert.Single(catalog.Enabled);
        var registry = new PipelineProgressRegistry();
        var progress = registry.GetOrAdd(definition.Name, definition.Kind.Name);
        var deadLetters = new DeadLetterStore(Microsoft.Extensions.Options.Options.Create(new DeadLetterOptions()), registry, time);
        var service = new PipelineService(
            definition,
            catalog.Host,
            registry,
            scheduler,
            time,
            new ResultsOutput(stdout),
            new PipelineServices(null, null, deadLetters),
            NullLoggerFactory.Instance);
        await service.StartAsync(CancellationToken.None);
        return new InProcessPipeline(service, registry, progress, time);
    }

    /// <summary>What <c>/healthz</c> would say now (by the pipeline's clock).</summary>
    public Task<HealthCheckResult> HealthAsync() =>
        new PipelinesHealthCheck(Registry, _time).CheckHealthAsync(new HealthCheckContext());

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync(CancellationToken.None);
        _service.Dispose();
    }
}

/// <summary>Waits for a condition that the code under test makes true (no fixed sleeps: it looks again until then).</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out waiting for {what}");
            }
        }
    }
}
