using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Reactive.WalletSimulator.Hosting;

namespace Reactive.WalletSimulator.Tests;

/// <summary>
/// The simulator as <c>Program</c> builds it, on Kestrel at 127.0.0.1 on a free port (real sockets), with a state file in
/// a folder of its own, every log record collected, and two users: alice (1000 euro, 2 bitcoin) and bob (500 euro).
/// The price is fixed at 100 euro and the admin endpoints are on, unless <c>settings</c> say otherwise.
/// </summary>
internal sealed class SimulatorServer : IAsyncDisposable
{
    public const string Alice = "alice";
    public const string AliceKey = "alice-test-key-0123456789";
    public const string Bob = "bob";
    public const string BobKey = "bob-test-key-9876543210";

    private readonly bool _ownsDirectory;

    private SimulatorServer(WebApplication app, Uri address, FakeLogCollector logs, string stateDirectory, bool ownsDirectory)
    {
        App = app;
        Address = address;
        Logs = logs;
        StateDirectory = stateDirectory;
        _ownsDirectory = ownsDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>Every log record of the simulator, of every category, at the levels the configuration enables.</summary>
    public FakeLogCollector Logs { get; }

    public string StateDirectory { get; }

    public static Dictionary<string, string?> DefaultSettings(string stateDirectory) => new()
    {
        ["Simulator:StatePath"] = Path.Combine(stateDirectory, "wallet.db"),
        ["Simulator:Price:Kind"] = "fixed",
        ["Simulator:Price:Euro"] = "100",
        ["Simulator:Admin:Enabled"] = "true",
        [$"Simulator:Users:{Alice}:AccessKey"] = AliceKey,
        [$"Simulator:Users:{Alice}:Euro"] = "1000",
        [$"Simulator:Users:{Alice}:Bitcoin"] = "2",
        [$"Simulator:Users:{Bob}:AccessKey"] = BobKey,
        [$"Simulator:Users:{Bob}:Euro"] = "500",
    };

    /// <summary>Starts a simulator; <paramref name="settings"/> go over the defaults, <paramref name="stateDirectory"/> (kept) replaces a new one (deleted at the end).</summary>
    public static async Task<SimulatorServer> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null, string? stateDirectory = null)
    {
        var owns = stateDirectory is null;
        stateDirectory ??= NewDirectory();
        var all = DefaultSettings(stateDirectory);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var logs = new FakeLogCollector();
        var app = SimulatorHost.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new FakeLoggerProvider(logs));
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SimulatorServer(app, new Uri(address), logs, stateDirectory, owns);
    }

    public static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wallet-simulator-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A GET and its answer as the course's client sees it: status and text.</summary>
    public async Task<(HttpStatusCode Status, string Text)> GetAsync(string pathAndQuery, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<(HttpStatusCode Status, string Text)> BuyAsync(string user, string key, string amount, string? idempotencyKey = null) =>
        GetAsync(OrderPath("buy", user, key, amount), idempotencyKey);

    public Task<(HttpStatusCode Status, string Text)> SellAsync(string user, string key, string amount, string? idempotencyKey = null) =>
        GetAsync(OrderPath("sell", user, key, amount), idempotencyKey);

    public static string OrderPath(string side, string user, string key, string amount) =>
        $"/{side}/?amount={Uri.EscapeDataString(amount)}&user_id={Uri.EscapeDataString(user)}&access_key={Uri.EscapeDataString(key)}";

    /// <summary>The user's balances, from <c>GET info/</c>.</summary>
    public async Task<(decimal Bitcoin, decimal Euro)> BalanceAsync(string user)
    {
        var (status, text) = await GetAsync($"/info/?user_id={Uri.EscapeDataString(user)}");
        Assert.True(status == HttpStatusCode.OK, $"info of {user}: {(int)status} {text}");
        var only = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        return (only.GetProperty("bitcoin").GetDecimal(), only.GetProperty("euro").GetDecimal());
    }

    /// <summary>The audit log, from <c>GET admin/audit</c>: of one user, or of all.</summary>
    public async Task<List<JsonElement>> AuditAsync(string? user = null)
    {
        var entries = await Client.GetFromJsonAsync<List<JsonElement>>(user is null ? "/admin/audit" : $"/admin/audit?user_id={Uri.EscapeDataString(user)}");
        return entries!;
    }

    /// <summary>Sets the faults through <c>POST /admin/faults</c> (snake_case JSON).</summary>
    public async Task SetFaultsAsync(double errorRate = 0, double lostAnswerRate = 0, double delayRate = 0, TimeSpan? delay = null, int seed = 1)
    {
        using var response = await Client.PostAsJsonAsync("/admin/faults", new Dictionary<string, object>
        {
            ["error_rate"] = errorRate,
            ["lost_answer_rate"] = lostAnswerRate,
            ["delay_rate"] = delayRate,
            ["delay"] = (delay ?? TimeSpan.FromSeconds(5)).ToString("c", CultureInfo.InvariantCulture),
            ["seed"] = seed,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The formatted text of every collected record: message, exception, structured state and scopes.</summary>
    public IEnumerable<string> LogTexts() => Logs.GetSnapshot().SelectMany(r =>
        new[] { r.Message, r.Exception?.ToString() ?? "" }
            .Concat(r.StructuredState?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])
            .Concat(r.Scopes.SelectMany(ScopeTexts)));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (_ownsDirectory)
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    private static IEnumerable<string> ScopeTexts(object? scope) => scope switch
    {
        null => [],
        IEnumerable<KeyValuePair<string, object?>> pairs => pairs.Select(kv => $"{kv.Key}={kv.Value}").Append(scope.ToString() ?? ""),
        _ => [scope.ToString() ?? ""],
    };
}
