using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Reactive.Host.Sql;

namespace Reactive.Host.Http;

/// <summary>
/// Turns every exception of a request into a JSON problem details response. Only messages written
/// for users leave the process (SQL errors); anything else becomes a generic 500 with a trace id,
/// and its details go to the log only. No stack trace is ever sent.
/// </summary>
public sealed class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(exception);
        var problem = exception switch
        {
            SqlQueryException sql => SqlProblem(sql),
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
            JsonException => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The body is not valid JSON." },
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "Client closed request" },
            _ => null,
        };
        if (problem is null)
        {
            Log.UnhandledError(logger, httpContext.Request.Path, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error",
                Detail = "The request failed; the service log has the details.",
            };
        }

        await WriteProblemAsync(httpContext, problem).ConfigureAwait(false);
        return true;
    }

    internal static ProblemDetails SqlProblem(SqlQueryException exception)
    {
        var problem = SqlProblemOf(exception);
        if (exception.Setting is { } setting)
        {
            problem.Extensions["setting"] = setting;
        }

        return problem;
    }

    private static ProblemDetails SqlProblemOf(SqlQueryException exception) => exception.Kind switch
    {
        SqlErrorKind.Refused => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "SQL refused", Detail = exception.Message, Type = "https://reactive.local/problems/sql-refused" },
        SqlErrorKind.TimedOut => new ProblemDetails { Status = StatusCodes.Status408RequestTimeout, Title = "SQL time limit reached", Detail = exception.Message, Type = "https://reactive.local/problems/sql-time-limit" },
        SqlErrorKind.Busy => new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "Too many queries", Detail = exception.Message, Type = "https://reactive.local/problems/sql-busy" },
        SqlErrorKind.OverBudget => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "SQL budget exceeded", Detail = exception.Message, Type = "https://reactive.local/problems/sql-budget" },
        _ => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "SQL error", Detail = exception.Message, Type = "https://reactive.local/problems/sql-error" },
    };

    internal static Task WriteProblemAsync(HttpContext httpContext, ProblemDetails problem)
    {
        problem.Extensions["traceId"] = httpContext.TraceIdentifier;
        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return httpContext.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json", httpContext.RequestAborted);
    }
}
