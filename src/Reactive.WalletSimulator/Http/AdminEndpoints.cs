using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Reactive.WalletSimulator.Faults;
using Reactive.WalletSimulator.Money;
using Reactive.WalletSimulator.Prices;
using Reactive.WalletSimulator.Wallet;

namespace Reactive.WalletSimulator.Http;

/// <summary>
/// Endpoints for tests (<c>Simulator:Admin:Enabled</c>): the price, the faults and the audit log. JSON in snake_case;
/// an unknown property in a body is refused, so a misspelt setting never passes silently.
/// </summary>
internal static class AdminEndpoints
{
    /// <summary>The highest price the admin endpoint takes (an order's euro value must fit a decimal).</summary>
    private const decimal MaxPrice = 1_000_000_000m;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/price", (PriceFeed feed) => Results.Json(PriceOf(feed), Json));
        app.MapPost("/admin/price", SetPriceAsync);
        app.MapGet("/admin/faults", (FaultInjector faults) => Results.Json(faults.Options, Json));
        app.MapPost("/admin/faults", SetFaultsAsync);
        app.MapGet("/admin/audit", AuditAsync);
        return app;
    }

    private static async Task<IResult> SetPriceAsync(HttpContext context, PriceFeed feed, ILogger<PriceFeed> logger)
    {
        var (body, error) = await ReadAsync<PriceBody>(context).ConfigureAwait(false);
        if (body is null)
        {
            return Texts.Text(new Answer(StatusCodes.Status400BadRequest, error!));
        }

        if (body.Euro is { } euro && (euro <= 0 || euro > MaxPrice))
        {
            return Texts.Text(new Answer(StatusCodes.Status400BadRequest, $"euro must be a positive price up to {MaxPrice} (got {euro}), or null to follow the feed again"));
        }

        feed.Override = body.Euro is { } set ? Amounts.Normalize(set) : null;
        Log.PriceSet(logger, body.Euro is { } p ? $"{Amounts.Format(p)} euro" : $"back to the {feed.Kind} feed");
        return Results.Json(PriceOf(feed), Json);
    }

    private static async Task<IResult> SetFaultsAsync(HttpContext context, FaultInjector faults, ILogger<FaultInjector> logger)
    {
        var (body, error) = await ReadAsync<FaultOptions>(context).ConfigureAwait(false);
        var problems = body?.Problems("").ToList() ?? [error!];
        if (problems.Count > 0)
        {
            return Texts.Text(new Answer(StatusCodes.Status400BadRequest, string.Join("; ", problems)));
        }

        faults.Set(body!);
        Log.FaultsSet(logger, JsonSerializer.Serialize(faults.Options, Json));
        return Results.Json(faults.Options, Json);
    }

    private static async Task<IResult> AuditAsync(HttpContext context, WalletStore store)
    {
        string? error = null;
        var user = Texts.Single(context.Request.Query, "user_id", ref error);
        if (error is not null)
        {
            return Texts.Text(new Answer(StatusCodes.Status400BadRequest, error));
        }

        var entries = await store.AuditAsync(string.IsNullOrEmpty(user) ? null : user, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(entries, Json);
    }

    private static PriceState PriceOf(PriceFeed feed)
    {
        var overridden = feed.Override;
        return new PriceState(feed.Current, overridden, overridden is null ? feed.Kind.ToString().ToLowerInvariant() : "admin");
    }

    private static async Task<(T? Body, string? Error)> ReadAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            var body = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, "the body must be a JSON object") : (body, null);
        }
        catch (JsonException ex)
        {
            return (null, $"the body is not valid: {ex.Message}");
        }
    }

    /// <summary>The body of <c>POST /admin/price</c>: a price, or null to follow the feed again.</summary>
    private sealed record PriceBody(decimal? Euro);

    /// <summary>The price now, the admin override (or null) and where the price comes from.</summary>
    private sealed record PriceState(decimal Euro, decimal? Override, string Source);
}
