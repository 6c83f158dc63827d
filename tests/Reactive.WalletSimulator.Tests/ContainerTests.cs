using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.WalletSimulator.Tests;

/// <summary>
/// The simulator as docker-compose.yml and the Dockerfile run it, without a Docker engine: the compose file's environment
/// (as <c>docker-compose config</c> resolves it) is configuration the simulator accepts, under which it answers the
/// service by its compose name with the key the service is given; the image's HEALTHCHECK command works.
/// </summary>
public sealed class ContainerTests
{
    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeEnvironment_Accepted_ServiceReachesItByName_WithItsKey_OtherHostsRefused()
    {
        var compose = await ComposeFile.ConfigAsync();
        var settings = compose.Environment("wallet-simulator")
            .Where(e => e.Key.Contains("__", StringComparison.Ordinal) || e.Key == "AllowedHosts")
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        var trading = compose.Environment("reactive");
        var wallet = new Uri(trading["Trading__Wallet__BaseUrl"]);
        await using var server = await SimulatorServer.StartAsync(settings);

        var price = await server.Client.GetFromJsonAsync<JsonElement>("/admin/price");
        var info = await GetAsync(server, $"{wallet.Host}:{wallet.Port}", $"/info/?user_id={trading["Trading__Wallet__UserId"]}");
        var buy = await GetAsync(server, $"{wallet.Host}:{wallet.Port}", SimulatorServer.OrderPath("buy", trading["Trading__Wallet__UserId"], trading["Trading__Wallet__AccessKey"], "0.01"));
        var stranger = await GetAsync(server, "elsewhere.example:5090", "/info/?user_id=1");

        Assert.Equal("kinesis", price.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.OK, info.Status);
        Assert.True(buy.Status == HttpStatusCode.OK, buy.Text);
        Assert.StartsWith("order 1 executed: bought 0.01 bitcoin", buy.Text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, stranger.Status);
    }

    [Fact]
    public async Task HealthCheckOfTheImage_ServingSimulator_ExitsZero_NothingListening_ExitsOne()
    {
        var (arguments, url) = HealthCheck();
        await using var server = await SimulatorServer.StartAsync();

        var healthy = await RunAsync([.. arguments, "--url", new Uri(server.Address, url.PathAndQuery).ToString()]);
        var down = await RunAsync([.. arguments, "--url", $"http://127.0.0.1:{FreePort()}/healthz"]);

        Assert.Equal((0, $"wallet-simulator health: {new Uri(server.Address, url.PathAndQuery)} answered 200 Healthy\n"), (healthy.Exit, healthy.Stdout));
        Assert.Equal(1, down.Exit);
        Assert.Contains("did not answer", down.Stderr, StringComparison.Ordinal);
    }

    private static (string[] Arguments, Uri Url) HealthCheck() => ComposeFile.HealthCheck("wallet-simulator", "Reactive.WalletSimulator.dll");

    private static async Task<(HttpStatusCode Status, string Text)> GetAsync(SimulatorServer server, string host, string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Host = host;
        using var response = await server.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The built simulator (beside the tests) run to its end with <paramref name="arguments"/>.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reactive.WalletSimulator.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout).ReplaceLineEndings("\n"), await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
