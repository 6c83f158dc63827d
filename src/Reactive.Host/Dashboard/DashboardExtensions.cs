using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reactive.Host.Progress;

namespace Reactive.Host.Dashboard;

/// <summary>Registers and maps the dashboard: its page at <c>/</c>, its live stream and its history.</summary>
internal static class DashboardExtensions
{
    /// <summary>The folder beside the executable that holds the page and the chart library (copied there by the build).</summary>
    public const string FilesFolder = "dashboard";

    /// <summary>The events <c>GET /api/dashboard/history</c> returns at most.</summary>
    public const int MaxHistoryLimit = 100_000;

    /// <summary>Registers <see cref="DashboardFeed"/> (a hosted service and the pipelines' result tap); binds section <c>Dashboard</c>.</summary>
    public static IServiceCollection AddReactiveDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddReactiveOptions<DashboardOptions>(configuration.GetSection(DashboardOptions.SectionName));
        services.AddSingleton<DashboardFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<DashboardFeed>());
        return services;
    }

    /// <summary>
    /// Serves the page (<c>GET /</c>, from <see cref="FilesFolder"/>), <c>GET /api/dashboard/features</c>, <c>GET /api/dashboard/events</c> (Server-Sent
    /// Events from the event after <c>Last-Event-ID</c> or <c>?since=</c>) and <c>GET /api/dashboard/history?since=ID</c>.
    /// Call it after <c>MapReactiveApi</c>, so that the origin check runs first.
    /// </summary>
    public static WebApplication MapReactiveDashboard(this WebApplication app)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, FilesFolder);
        if (!File.Exists(Path.Combine(folder, "index.html")))
        {
            throw new InvalidOperationException($"the dashboard's files are missing from the build ({folder}): build the service with its project file, which copies them");
        }

        var files = new PhysicalFileProvider(folder);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = static context => context.Context.Response.Headers.CacheControl = "no-cache",
        });

        var api = app.MapGroup("/api/dashboard");
        api.MapGet("/events", static (HttpContext context, DashboardFeed feed, IHostApplicationLifetime lifetime, ILogger<DashboardFeed> logger, string? since) =>
        {
            var header = context.Request.Headers["Last-Event-ID"].ToString();
            var from = string.IsNullOrEmpty(header) ? since : header;
            if (!feed.History.TryParse(from, out var sequence))
            {
                return BadId(from);
            }

            context.Response.Headers.CacheControl = "no-cache";
            var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            context.Response.RegisterForDispose(stop);
            return TypedResults.ServerSentEvents(Stream(feed, sequence, logger, stop.Token));
        });
        api.MapGet("/history", static (DashboardFeed feed, string? since, int? limit) =>
        {
            if (!feed.History.TryParse(since, out var sequence))
            {
                return BadId(since);
            }

            if (limit is < 1 or > MaxHistoryLimit)
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: $"limit must be between 1 and {MaxHistoryLimit}.");
            }

            var events = feed.History.After(sequence, limit ?? MaxHistoryLimit);
            return Results.Ok(new
            {
                instance = feed.History.Instance,
                last = events.Count > 0 ? events[^1].Id : null,
                events = events.Select(static e => new { id = e.Id, type = e.Type, data = System.Text.Json.Nodes.JsonNode.Parse(e.Data) }),
            });
        });
        api.MapGet("/features", static (EndpointDataSource endpoints) => new
        {
            // The trading panel polls GET /api/trading only when the service has it.
            trading = endpoints.Endpoints.OfType<RouteEndpoint>().Any(static e => string.Equals(e.RoutePattern.RawText?.Trim('/'), "api/trading", StringComparison.OrdinalIgnoreCase)),
        });
        return app;
    }

    private static IResult BadId(string? id) =>
        Results.Problem(statusCode: 400, title: "Bad request", detail: $"'{(id is { Length: > 100 } ? id[..100] + "…" : id)}' is not a dashboard event id (INSTANCE-SEQUENCE, as the stream sends them).");

    /// <summary>The kept events after <paramref name="since"/>, then the live ones, until the client leaves, the service stops, or the client falls <see cref="DashboardOptions.StreamQueue"/> events behind.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Stream(DashboardFeed feed, long since, ILogger logger, [EnumeratorCancellation] CancellationToken stop)
    {
        var capacity = feed.Options.StreamQueue;
        var queue = Channel.CreateBounded<DashboardEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var follow = feed.History.Follow(since, e =>
        {
            if (!queue.Writer.TryWrite(e) && queue.Writer.TryComplete())
            {
                // Too slow a reader: closing lets it reconnect and take what it missed from the history.
                Log.StreamBehind(logger, capacity);
            }
        }, out var backlog);

        // The browser waits this long before it reconnects after the stream ends.
        var hello = System.Text.Json.JsonSerializer.Serialize(new { instance = feed.History.Instance, since, backlog = backlog.Count });
        yield return new SseItem<string>(hello, "hello") { ReconnectionInterval = TimeSpan.FromSeconds(1) };
        var last = since;
        foreach (var e in backlog)
        {
            last = e.Sequence;
            yield return Item(e);
        }

        while (await WaitAsync(queue.Reader, stop).ConfigureAwait(false))
        {
            while (queue.Reader.TryRead(out var e))
            {
                if (e.Sequence > last)
                {
                    last = e.Sequence;
                    yield return Item(e);
                }
            }
        }
    }

    private static SseItem<string> Item(DashboardEvent e) => new(e.Data, e.Type) { EventId = e.Id };

    private static async Task<bool> WaitAsync(ChannelReader<DashboardEvent> reader, CancellationToken stop)
    {
        try
        {
            return await reader.WaitToReadAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
