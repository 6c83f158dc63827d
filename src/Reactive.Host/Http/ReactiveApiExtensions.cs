using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
    /// JSON problem details for errors, and who may call (<see cref="HttpAccessOptions"/>: host filtering on
    /// <c>AllowedHosts</c>, loopback names by default; the <c>Origin</c> check; CORS only for <c>Http:AllowedOrigins</c>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root; sections <c>Tables</c>, <c>Sql</c>, <c>Progress</c>, <c>DeadLetters</c>, <c>Http</c>, <c>Telemetry</c> and the key <c>AllowedHosts</c> are read.</param>
    public static IServiceCollection AddReactiveApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddReactiveProgress(configuration);
        services.AddReactiveMetrics(configuration);
        services.AddReactiveSql(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddHealthChecks().AddCheck<PipelinesHealthCheck>("pipelines");
        services.AddReactiveOptions<HttpAccessOptions>(configuration.GetSection(HttpAccessOptions.SectionName))
            .Validate(static o =>
            {
                o.Validate();
                return true;
            });

        // ASP.NET Core's host filtering (on in WebApplication.CreateBuilder) serves every host name unless AllowedHosts
        // is set; here it defaults to the loopback names instead. Configure runs before the framework's PostConfigure,
        // which leaves a non-empty list alone.
        services.Configure<HostFilteringOptions>(o =>
        {
            if (o.AllowedHosts.Count == 0)
            {
                var configured = configuration[HttpAccessOptions.AllowedHostsKey];
                o.AllowedHosts = (string.IsNullOrWhiteSpace(configured) ? HttpAccessOptions.DefaultAllowedHosts : configured)
                    .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        });
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<HttpAccessOptions>>(static (cors, access) =>
        {
            var origins = access.Value.AllowedOrigins.Select(HttpAccessOptions.Normalize).OfType<string>().ToArray();
            if (origins.Length > 0)
            {
                cors.AddDefaultPolicy(p => p.WithOrigins(origins).WithMethods("GET", "POST").WithHeaders("Content-Type"));
            }
        });
        return services;
    }

    /// <summary>
    /// Adds the JSON error handling middleware and maps the endpoints: <c>GET /healthz</c>,
    /// <c>GET /healthz/live</c>, <c>GET /api/pipelines</c>, <c>GET /api/pipelines/{name}</c>,
    /// <c>GET /api/tables</c>, <c>POST /api/sql</c>, <c>GET /api/deadletters</c>, <c>GET /api/trading</c> (and <c>/api/trading/{name}</c>), <c>GET /metrics</c>.
    /// Call it first after <c>builder.Build()</c>, before other middleware, so errors anywhere become problem details.
    /// A request whose <c>Origin</c> is neither the service's own nor in <c>Http:AllowedOrigins</c> is refused (403)
    /// before it reads or runs anything.
    /// </summary>
    public static WebApplication MapReactiveApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var access = app.Services.GetRequiredService<IOptions<HttpAccessOptions>>().Value;
        var allowed = access.AllowedOrigins.Select(HttpAccessOptions.Normalize).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var originLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReactiveApiExtensions).FullName!);
        app.Use((context, next) => CheckOriginAsync(context, next, allowed, originLogger));
        if (allowed.Count > 0)
        {
            app.UseCors();
        }

        // Instruments exist once their owner exists; create them now so /metrics is complete from the start.
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
        Instances.ServiceInstance.Map(app);
        api.MapGet("/deadletters", static (DeadLetterStore store, string? pipeline, int? limit) =>
            limit is < 0 or > 100_000
                ? Results.Problem(statusCode: 400, title: "Bad request", detail: "limit must be between 0 and 100000.")
                : Results.Ok(store.Recent(pipeline, limit ?? 100)));
        api.MapGet("/trading", static (IServiceProvider services) =>
            services.GetService<Trading.TradingDesks>() is { } desks ? desks.All.Select(d => d.View()).ToList() : []);
        api.MapGet("/trading/{name}", static (string name, IServiceProvider services) =>
            services.GetService<Trading.TradingDesks>()?.All.FirstOrDefault(d => d.Pipeline == name) is { } desk
                ? Results.Ok(desk.View())
                : Results.Problem(statusCode: 404, title: "No such trading pipeline", detail: $"There is no trading pipeline named '{name}' (or it has not started)."));
        app.MapReactiveMetrics();
        return app;
    }

    private static Task CheckOriginAsync(HttpContext context, RequestDelegate next, HashSet<string> allowed, ILogger logger)
    {
        var header = context.Request.Headers.Origin;
        if (header.Count == 0)
        {
            return next(context);
        }

        var origin = header.Count == 1 ? HttpAccessOptions.Normalize(header[0]) : null;
        if (origin is not null && (allowed.Contains(origin) || origin == HttpAccessOptions.Normalize($"{context.Request.Scheme}://{context.Request.Host.Value}")))
        {
            return next(context);
        }

        var shown = header.ToString();
        shown = shown.Length > 200 ? shown[..200] + "…" : shown;
        Log.OriginRefused(logger, context.Request.Path, shown);
        return ApiExceptionHandler.WriteProblemAsync(context, new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Origin not allowed",
            Detail = $"Pages from '{shown}' may not call this service: only its own origin and the origins in Http:AllowedOrigins may.",
            Type = "https://reactive.local/problems/origin",
            Extensions = { ["setting"] = "Http:AllowedOrigins" },
        });
    }

    private static bool IsJson(string? contentType) =>
        Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>POST /api/sql</c>: waits for a slot (or is refused 503 with Retry-After), runs the query, serializes the answer
    /// within the result budget and writes it, all within the slot's time limit; the slot is held until the answer is
    /// written. A time limit passed while writing closes the connection.
    /// </summary>
    private static async Task RunSqlAsync(HttpContext context, SqlQueryService sql, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            await ApiExceptionHandler.WriteProblemAsync(context, new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "Unsupported media type",
                Detail = "Send the query as JSON: {\"sql\": \"SELECT …\"} with Content-Type: application/json.",
            }).ConfigureAwait(false);
            return;
        }

        SqlRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<SqlRequest>(context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            await ApiExceptionHandler.WriteProblemAsync(context, new ProblemDetails { Status = 400, Title = "Bad request", Detail = "The body must be JSON like {\"sql\": \"SELECT …\"}." }).ConfigureAwait(false);
            return;
        }

        var text = body?.Sql;
        if (string.IsNullOrWhiteSpace(text))
        {
            await ApiExceptionHandler.WriteProblemAsync(context, new ProblemDetails { Status = 400, Title = "Bad request", Detail = "Give the query: {\"sql\": \"SELECT …\"}." }).ConfigureAwait(false);
            return;
        }

        SqlQueryLease lease;
        try
        {
            sql.CheckText(text);
            lease = await sql.EnterAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (SqlQueryException ex)
        {
            await WriteSqlProblemAsync(context, sql, ex).ConfigureAwait(false);
            return;
        }

        using (lease)
        {
            byte[] answer;
            try
            {
                var result = await sql.ExecuteAsync(text, lease, context.RequestAborted).ConfigureAwait(false);
                answer = JsonSerializer.SerializeToUtf8Bytes(
                    new SqlResponse(
                        [.. result.Columns.Select(c => new SqlResponseColumn(c.Name, c.Type))],
                        result.Rows,
                        result.Rows.Count,
                        result.Truncated,
                        Math.Round(result.ElapsedMilliseconds, 3)),
                    json.Value.SerializerOptions);
                sql.CheckAnswer(answer.LongLength, lease);
            }
            catch (SqlQueryException ex)
            {
                await WriteSqlProblemAsync(context, sql, ex).ConfigureAwait(false);
                return;
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = answer.LongLength;
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(lease.Deadline, context.RequestAborted);
            try
            {
                await response.Body.WriteAsync(answer, writing.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(writing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lease.Deadline.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // The answer has begun: its status cannot change any more. The client is told by the connection closing.
                sql.AnswerTimedOut();
                context.Abort();
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
        }
    }

    private static Task WriteSqlProblemAsync(HttpContext context, SqlQueryService sql, SqlQueryException exception)
    {
        var problem = ApiExceptionHandler.SqlProblem(exception);
        if (exception.Kind == SqlErrorKind.Busy)
        {
            context.Response.Headers.RetryAfter = sql.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ApiExceptionHandler.WriteProblemAsync(context, problem);
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
