using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reactive.Host.DeadLetters;
using Reactive.Host.Http;
using Reactive.Host.Progress;
using Reactive.Host.Tables;

namespace Reactive.Host.Tests.Http;

/// <summary>A real WebApplication on Kestrel, 127.0.0.1, a free port, with the API mapped.</summary>
internal sealed class ApiServer : IAsyncDisposable
{
    private ApiServer(WebApplication app, Uri address, LogCapture logs)
    {
        App = app;
        Logs = logs;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    /// <summary>What the service logged (Information and above).</summary>
    public LogCapture Logs { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public MemoryTableStore Tables => App.Services.GetRequiredService<MemoryTableStore>();

    public Reactive.Host.Sql.SqlQueryService Sql => App.Services.GetRequiredService<Reactive.Host.Sql.SqlQueryService>();

    public PipelineProgressRegistry Pipelines => App.Services.GetRequiredService<PipelineProgressRegistry>();

    public DeadLetterStore DeadLetters => App.Services.GetRequiredService<DeadLetterStore>();

    public static async Task<ApiServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        var logs = new LogCapture();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddReactiveApi(builder.Configuration);
        var app = builder.Build();
        var address = await LoopbackApp.StartAsync(app, static app =>
        {
            app.MapReactiveApi();
            app.MapGet("/boom", static string () => throw new InvalidOperationException("secret internals at Foo.Bar()"));
        });
        return new ApiServer(app, address, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
