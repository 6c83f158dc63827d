using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// No Docker engine runs here, so no image is built; Debian's docker-compose still validates and resolves the compose
/// file, the built service checks the configuration it hands the service, and the Dockerfile's stages are read.
/// </summary>
public sealed partial class DockerComposeTests
{
    /// <summary>The services of docker-compose.yml and the Dockerfile target each builds (null: a public image).</summary>
    private static readonly Dictionary<string, string?> Targets = new(StringComparer.Ordinal)
    {
        ["kinesalite"] = "kinesalite",
        ["producer"] = "reactive",
        ["wallet-simulator"] = "wallet-simulator",
        ["reactive"] = "reactive",
        ["feed"] = null,
    };

    /// <summary>The values a compose file may hold for a key, secret or token: the published demo key and kinesalite's stand-ins.</summary>
    private static readonly string[] PublishedValues = ["demo-key-not-a-secret", "kinesalite", "kinesalite-not-a-secret"];

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_IsValid_EveryServiceBuildsAKnownTarget_AndPublishesOnLoopbackOnly()
    {
        var compose = await ComposeFile.ConfigAsync();
        var (stages, _) = ComposeFile.Dockerfile();

        Assert.Equal(Targets.Keys.Order(StringComparer.Ordinal), compose.Services.Order(StringComparer.Ordinal));
        foreach (var (service, target) in Targets)
        {
            Assert.Equal(target, compose.Scalar(service, "build", "target"));
            var exposed = target is null ? [] : stages[target].Where(i => i.StartsWith("EXPOSE ", StringComparison.Ordinal)).Select(i => i[7..].Trim()).ToList();
            foreach (var port in compose.List(service, "ports"))
            {
                var match = PortPattern().Match(port);
                Assert.True(match.Success, $"{service} publishes {port}: only on the host's 127.0.0.1");
                Assert.Contains(match.Groups["container"].Value, exposed);
            }
        }

        Assert.Equal(["127.0.0.1:5080:5080/tcp"], compose.List("reactive", "ports"));
        Assert.Equal(["127.0.0.1:5090:5090/tcp"], compose.List("wallet-simulator", "ports"));
        Assert.Equal(["127.0.0.1:4567:4567/tcp"], compose.List("kinesalite", "ports"));
        Assert.Empty(compose.List("producer", "ports"));
    }

    [Fact]
    public void Dockerfile_EveryTarget_RunsAsNonRoot_WithAHealthCheck_AndTheServiceIsTheDefault()
    {
        var (stages, last) = ComposeFile.Dockerfile();

        Assert.Equal("reactive", last);
        foreach (var target in Targets.Values.OfType<string>().Distinct())
        {
            var instructions = stages[target];
            var user = instructions.LastOrDefault(i => i.StartsWith("USER ", StringComparison.Ordinal))?[5..].Trim();
            Assert.True(user is not null and not "root" and not "0" and not "0:0", $"target {target} runs as {user ?? "root (no USER)"}");
            var health = Assert.Single(instructions, i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
            Assert.Contains(" CMD [", health, StringComparison.Ordinal);
        }

        // The apps' images build on the SDK and run on the ASP.NET runtime, whose images have no curl: each checks itself.
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", stages["reactive"][0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:", stages["wallet-simulator"][0], StringComparison.Ordinal);
        Assert.Contains(stages["reactive"], i => i.StartsWith("COPY --from=build-reactive ", StringComparison.Ordinal));
        Assert.Contains(stages["wallet-simulator"], i => i.StartsWith("COPY --from=build-wallet-simulator ", StringComparison.Ordinal));
        Assert.Contains(stages["kinesalite"], i => i.StartsWith("RUN npm ci ", StringComparison.Ordinal));
    }

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_StartOrder_WaitsForHealthyServices_ThatHaveAHealthCheck()
    {
        var compose = await ComposeFile.ConfigAsync();
        var (stages, _) = ComposeFile.Dockerfile();

        Assert.Equal(
            new Dictionary<string, string> { ["kinesalite"] = "service_healthy", ["wallet-simulator"] = "service_healthy", ["producer"] = "service_started" },
            compose.DependsOn("reactive"));
        Assert.Equal(new Dictionary<string, string> { ["kinesalite"] = "service_healthy" }, compose.DependsOn("wallet-simulator"));
        Assert.Equal(new Dictionary<string, string> { ["kinesalite"] = "service_healthy" }, compose.DependsOn("producer"));
        // The producer runs the service's image but serves no /healthz: the image's check is off for it.
        Assert.Equal(["NONE"], compose.List("producer", "healthcheck", "test"));
        foreach (var service in compose.Services)
        {
            foreach (var dependency in compose.DependsOn(service).Where(d => d.Value == "service_healthy").Select(d => d.Key))
            {
                Assert.Contains(stages[Targets[dependency]!], i => i.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
                Assert.Null(compose.Scalar(dependency, "healthcheck", "disable"));
            }
        }
    }

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_ServiceEnvironment_IsConfigurationTheServiceAccepts()
    {
        var compose = await ComposeFile.ConfigAsync();
        var environment = compose.Environment("reactive");

        var (exit, stdout, stderr) = await ListPipelinesAsync(environment);
        // One key misspelt the same way a hand could: the same check refuses it, naming it.
        var misspelt = new Dictionary<string, string>(environment) { ["Pipelines__bitcoin-kinesis__Source__ServiceUri"] = "http://kinesalite:4567" };
        var (badExit, _, badStderr) = await ListPipelinesAsync(misspelt);

        Assert.True(exit == 0, stderr);
        Assert.Matches(@"bitcoin-kinesis +bitcoin +yes +kinesis stream bitcoin-info at http://kinesalite:4567 \(from earliest\)", stdout);
        Assert.Matches(@"sample-bitcoin +bitcoin +no ", stdout);
        Assert.Equal(2, badExit);
        Assert.Contains("Pipelines:bitcoin-kinesis:Source:ServiceUri: unknown key", badStderr, StringComparison.Ordinal);
        Assert.All(environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)), k => Assert.Matches("^(Pipelines|Reactive|Trading)__", k));
        Assert.Equal("http://kinesalite:4567", environment["Pipelines__bitcoin-kinesis__Source__ServiceUrl"]);
    }

    /// <summary>
    /// A trading pipeline in simulator mode, and the wallet client's section (<c>Trading:Wallet</c> {BaseUrl, UserId,
    /// AccessKey}); the wallet they name is the compose file's simulator, with that user and that key.
    /// </summary>
    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_Trading_PointsAtTheSimulator_WithAUserAndKeyItHas()
    {
        var compose = await ComposeFile.ConfigAsync();
        var reactive = compose.Environment("reactive");
        var simulator = compose.Environment("wallet-simulator");

        var trading = reactive.Where(e => e.Key.StartsWith("Trading__", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(["Trading__Wallet__AccessKey", "Trading__Wallet__BaseUrl", "Trading__Wallet__UserId"], trading.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("trading", reactive["Pipelines__trading__Kind"]);
        Assert.Equal("simulator", reactive["Pipelines__trading__Options__Mode"]);
        Assert.Equal("false", reactive["Pipelines__sample-trading__Enabled"]);
        var wallet = new Uri(trading["Trading__Wallet__BaseUrl"]);
        Assert.Contains(wallet.Host, compose.Services);
        Assert.Contains($"127.0.0.1:{wallet.Port}:{wallet.Port}/tcp", compose.List(wallet.Host, "ports"));
        Assert.Contains(wallet.Host, simulator["AllowedHosts"].Split(';'));
        Assert.Equal(simulator[$"Simulator__Users__{trading["Trading__Wallet__UserId"]}__AccessKey"], trading["Trading__Wallet__AccessKey"]);
    }

    [RequiresExecutableFact(Tools.DockerCompose)]
    public async Task ComposeFile_HoldsNoSecret_ButThePublishedDemoValues_AndTakesTheWalletKeyFromTheEnvironment()
    {
        const string Key = "a-key-from-the-environment-5c1e";
        var compose = await ComposeFile.ConfigAsync();
        var withKey = await ComposeFile.ConfigAsync(new Dictionary<string, string?> { ["WALLET_ACCESS_KEY"] = Key });

        var secrets = compose.Services.SelectMany(s => compose.Environment(s)).Where(e => SecretName().IsMatch(e.Key)).ToList();
        Assert.NotEmpty(secrets);
        Assert.All(secrets, e => Assert.Contains(e.Value, PublishedValues));
        Assert.Equal(Key, withKey.Environment("reactive")["Trading__Wallet__AccessKey"]);
        Assert.Equal(Key, withKey.Environment("wallet-simulator")["Simulator__Users__1__AccessKey"]);
        var raw = await File.ReadAllTextAsync(Path.Combine(Readme.RepositoryRoot(), "docker-compose.yml"));
        Assert.DoesNotContain(Key, raw, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot() => Readme.RepositoryRoot();

    private static async Task<(int Exit, string Stdout, string Stderr)> ListPipelinesAsync(Dictionary<string, string> environment)
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), environment, "--list-pipelines");
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, service.Stdout, service.Stderr);
    }

    [GeneratedRegex(@"^127\.0\.0\.1:\d+:(?<container>\d+)(/tcp)?$")]
    private static partial Regex PortPattern();

    [GeneratedRegex("(?i)key|secret|token|password")]
    private static partial Regex SecretName();
}
