using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reactive.WalletSimulator.Http;

/// <summary>
/// One line per request with the access key redacted. It replaces ASP.NET Core's own request log
/// (<c>Microsoft.AspNetCore.Hosting.Diagnostics</c>), which writes whole URLs and is held at Warning
/// (<see cref="Hosting.SimulatorServices.HeldCategories"/>).
/// </summary>
internal sealed class RequestLog(RequestDelegate next, ILogger<RequestLog> logger, TimeProvider time)
{
    /// <summary>The category of ASP.NET Core's request log ("Request starting GET http://…?access_key=…").</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var request = context.Request;
                Log.Request(logger, request.Method, request.Path + QueryRedaction.Redact(request.QueryString), context.Response.StatusCode,
                    (long)time.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
