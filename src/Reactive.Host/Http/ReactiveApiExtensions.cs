using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reactive.Host.DeadLetters;
using Reactive.Host.Metrics;
using Reactive.Host.Progress;
using Reactive.Host.Sql;
using Reactive.Host.Tables;

namespace Reactive.Host.Http;

/// <summary>Registers and maps the service's HTTP surface.</summary>
public static class ReactiveApiExtensions
{
    private static readonly JsonSerializerOptions HealthJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Registers everything the HTTP API serves: memory tables and SQL (<see cref="SqlServiceCollectionExtensions.AddReactiveSql"/>),
    /// progress and dead letters (<see cref="ProgressServiceCollectionExtensions.AddReactiveProgress"/>),
    /// metrics (<see cref="MetricsServiceCollectionExtensions.AddReactiveMetrics"/>), health checks,
    /// and JSON problem details for errors.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root; sections <c>Tables</c>, <c>Sql</c>, <c>Progress</c>, <c>DeadLetters</c> are read.</param>
    public static IServiceCollection AddReactiveApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddReactiveProgress(configuration);
        services.AddReactiveMetrics();
        services.AddReactiveSql(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHealthChecks().AddCheck<PipelinesHealthCheck>("pipelines");
        return services;
    }

    /// <summary>
    /// Adds the JSON error handling middleware and maps the endpoints: <c>GET /healthz</c>,
    /// <c>GET /healthz/live</c>, <c>GET /api/pipelines</c>, <c>GET /api/pipelines/{name}</c>,
    /// <c>GET /api/tables</c>, <c>POST /api/sql</c>, <c>GET /api/deadletters</c>, <c>GET /metrics</c>.
    /// Call it first after <c>builder.Build()</c>, before other middleware, so errors anywhere become problem details.
    /// </summary>
    public static WebApplication MapReactiveApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Instruments exist once their owner exists; create them now so /metrics is complete from the start.
        _ = app.Services.GetRequiredService<ReactiveMetrics>();
        _ = app.Services.GetRequiredService<PrometheusExporter>();
        _ = app.Services.GetRequiredService<MemoryTableStore>();

        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = WriteHealthAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = static _ => false, ResponseWriter = WriteHealthAsync });

        var api = app.MapGroup("/api");
        api.MapGet("/pipelines", static (PipelineProgressRegistry registry) => registry.All.Select(PipelineProgressView.From).ToList());
        api.MapGet("/pipelines/{name}", static (string name, PipelineProgressRegistry registry) =>
            registry.Find(name) is { } p ? Results.Ok(PipelineProgressView.From(p)) : Results.Problem(statusCode: 404, title: "No such pipeline", detail: $"There is no pipeline named '{name}'."));
        api.MapGet("/tables", static (MemoryTableStore store) => store.Tables.Select(t => new
        {
            t.Name,
            Mode = t.Mode.ToString().ToLowerInvariant(),
            t.Rows,
            t.MaxRows,
            t.EvictedRows,
            t.PendingWrites,
            t.QueueLength,
            t.QueueCapacity,
            WhenFull = t.WhenFull.ToString().ToLowerInvariant(),
            t.DroppedRows,
            WaitMs = Math.Round(t.WaitTime.TotalMilliseconds, 3),
            t.Columns,
        }).ToList());
        api.MapPost("/sql", RunSqlAsync);
        api.MapGet("/deadletters", static (DeadLetterStore store, string? pipeline, int? limit) =>
            limit is < 0 or > 100_000
                ? Results.Problem(statusCode: 400, title: "Bad request", detail: "limit must be between 0 and 100000.")
                : Results.Ok(store.Recent(pipeline, limit ?? 100)));
        app.MapGet("/metrics", static (PrometheusExporter exporter) => Results.Text(exporter.Scrape(), PrometheusExporter.ContentType));
        return app;
    }

    private static async Task<IResult> RunSqlAsync(HttpContext context, SqlQueryService sql)
    {
        string? text;
        var request = context.Request;
        if (request.ContentType is { } type && type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(request.Body);
            text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            SqlRequest? body;
            try
            {
                body = await request.ReadFromJsonAsync<SqlRequest>(context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return Results.Problem(statusCode: 400, title: "Bad request", detail: "The body must be JSON like {\"sql\": \"SELECT …\"}.");
            }
            catch (InvalidOperationException)
            {
                return Results.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send JSON ({\"sql\": \"SELECT …\"}, Content-Type: application/json) or the query as text/plain.");
            }

            text = body?.Sql;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "Give the query: {\"sql\": \"SELECT …\"}.");
        }

        try
        {
            var result = await sql.ExecuteAsync(text, context.RequestAborted).ConfigureAwait(false);
            return Results.Ok(new SqlResponse(
                [.. result.Columns.Select(c => new SqlResponseColumn(c.Name, c.Type))],
                result.Rows,
                result.Rows.Count,
                result.Truncated,
                Math.Round(result.ElapsedMilliseconds, 3)));
        }
        catch (SqlQueryException ex)
        {
            var problem = ApiExceptionHandler.SqlProblem(ex);
            return Results.Problem(problem);
        }
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var body = new
        {
            status = report.Status.ToString(),
            description = report.Entries.Values.Select(e => e.Description).FirstOrDefault(d => d is not null),
            pipelines = report.Entries.Values.SelectMany(e => e.Data).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        };
        return context.Response.WriteAsJsonAsync(body, HealthJson, "application/json", context.RequestAborted);
    }
}
