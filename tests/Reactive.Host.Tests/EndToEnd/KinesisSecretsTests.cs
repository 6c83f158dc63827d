using System.Net.Http.Json;
using System.Text.Json;
using Reactive.Sources.Tests.Kinesis;
using static Reactive.Host.Tests.EndToEnd.KinesisEndToEnd;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// AWS credentials given to the built service (AWS's environment variables, and <c>Source:SecretAccessKey</c> /
/// <c>Source:SessionToken</c> in its configuration) and to <c>reactive produce kinesis</c>: the secret values appear in
/// none of their output (logs at the most detailed level), HTTP answers, metrics, nor configuration or run-time errors.
/// </summary>
public sealed class KinesisSecretsTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>
{
    private const string EnvironmentSecret = "EnvSecretValue9f3e1a";
    private const string EnvironmentToken = "EnvSessionToken4b7d0c";
    private const string ConfiguredSecret = "CfgSecretValue5a9c17";
    private const string ConfiguredToken = "CfgSessionToken8e2f6d";
    private static readonly string[] Secrets = [EnvironmentSecret, EnvironmentToken, ConfiguredSecret, ConfiguredToken];

    /// <summary>The default chain's variables with a session token, and the configured credentials of pipeline <c>cfg</c> (through the environment too: never on a command line).</summary>
    private static Dictionary<string, string> Environment() => new(StringComparer.Ordinal)
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDFROMENVIRONMENT",
        ["AWS_SECRET_ACCESS_KEY"] = EnvironmentSecret,
        ["AWS_SESSION_TOKEN"] = EnvironmentToken,
        ["Pipelines__cfg__Source__AccessKeyId"] = "AKIDFROMCONFIGURATION",
        ["Pipelines__cfg__Source__SecretAccessKey"] = ConfiguredSecret,
        ["Pipelines__cfg__Source__SessionToken"] = ConfiguredToken,
        ["Pipelines__missing__Source__AccessKeyId"] = "AKIDFROMCONFIGURATION",
        ["Pipelines__missing__Source__SecretAccessKey"] = ConfiguredSecret,
    };

    [Fact]
    public async Task Service_SecretsInTheEnvironmentAndConfiguration_InNoLogEndpointMetricOrError()
    {
        var stream = StreamName("secrets");
        var produced = await ProduceAsync(kinesalite.Server, stream, Lines(Rates(200, seed: 5, new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc))), createShards: 2);
        var work = ServiceProcess.NewWorkingDirectory();

        // Three pipelines: one signing with the default chain's credentials, one with the configured ones, one on a
        // stream that does not exist (its error, retried, is shown in the progress and the log).
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            .. Pipeline("env", stream, "bitcoin_env"),
            .. Pipeline("cfg", stream, "bitcoin_cfg"),
            .. Pipeline("missing", StreamName("nowhere"), "bitcoin_missing"),
            "--pipelines", "env,cfg,missing",
            "--Reactive:Restart:InitialDelay", "200 milliseconds",
            "--Logging:LogLevel:Default", "Trace",
        ];
        await using var service = ServiceProcess.Start(work, Environment(), args);
        using var http = new HttpClient { BaseAddress = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60)) };
        var last = LastSequences(stream, produced);
        await WaitForProgressAsync(http, "env", p => Covers(p, last), "pipeline env to read the stream", service);
        await WaitForProgressAsync(http, "cfg", p => Covers(p, last), "pipeline cfg to read the stream", service);
        var missing = await WaitForProgressAsync(http, "missing", p => p.GetProperty("lastError").ValueKind == JsonValueKind.String, "pipeline missing's error", service);
        Assert.Contains("was not found", missing.GetProperty("lastError").GetString(), StringComparison.Ordinal);

        var answers = new List<string>();
        foreach (var path in new[] { "/api/pipelines", "/api/pipelines/env", "/api/pipelines/cfg", "/api/pipelines/missing", "/api/tables", "/api/deadletters", "/metrics", "/healthz", "/healthz/live" })
        {
            using var response = await http.GetAsync(path);
            answers.Add($"{path}: {await response.Content.ReadAsStringAsync()}");
        }

        using (var sql = await http.PostAsJsonAsync("/api/sql", new { sql = "SELECT count(*) FROM bitcoin_cfg" }))
        {
            answers.Add(await sql.Content.ReadAsStringAsync());
        }

        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("was not found", service.Stderr, StringComparison.Ordinal);
        var listed = await Run(Environment(), ["--list-pipelines", .. args]);
        Assert.True(listed.Exit == 0, listed.Stderr);
        Assert.Contains("kinesis stream", listed.Stdout, StringComparison.Ordinal);
        AssertNoSecret([service.Stdout, service.Stderr, listed.Stdout, listed.Stderr, .. answers]);
    }

    [Fact]
    public async Task Service_ConfigurationErrorsWithTheSecretsSet_NameTheKeysNotTheSecrets()
    {
        string[] args =
        [
            .. Pipeline("cfg", "bitcoin-info", "t1"),
            "--Pipelines:cfg:Source:Region", "Not A Region",
            .. Pipeline("missing", "bitcoin-info", "t2"),
            "--pipelines", "cfg,missing",
        ];

        // A secret pasted into the key id's place, and a secret without its key id.
        var environment = Environment();
        environment["Pipelines__missing__Source__AccessKeyId"] = "wJalrXUtnFEMI/" + ConfiguredSecret;
        var (exit, stdout, stderr) = await Run(environment, args);
        environment.Remove("Pipelines__missing__Source__AccessKeyId");
        var (exit2, stdout2, stderr2) = await Run(environment, args);

        Assert.Equal(2, exit);
        Assert.Contains("Pipelines:cfg:Source:Region", stderr, StringComparison.Ordinal);
        Assert.Contains("Pipelines:missing:Source:AccessKeyId", stderr, StringComparison.Ordinal);
        Assert.Equal(2, exit2);
        Assert.Contains("Pipelines:missing:Source:AccessKeyId", stderr2, StringComparison.Ordinal);
        Assert.Contains("SecretAccessKey", stderr2, StringComparison.Ordinal);
        AssertNoSecret(stdout, stderr, stdout2, stderr2);
    }

    [Fact]
    public async Task Produce_SecretsInTheEnvironment_InNoOutputOfASuccessOrAnError()
    {
        var stream = StreamName("secrets-produce");
        var endpoint = kinesalite.Server.Endpoint.ToString();
        var environment = Environment();

        var created = await Run(environment, "produce", "kinesis", "--stream", stream, "--endpoint", endpoint, "--create-shards", "1", "--generate", "bitcoin", "--rows", "20");
        var missing = await Run(environment, "produce", "kinesis", "--stream", StreamName("nowhere"), "--endpoint", endpoint, "--generate", "bitcoin", "--rows", "20");
        var badRegion = await Run(environment, "produce", "kinesis", "--stream", stream, "--endpoint", endpoint, "--region", "Not A Region", "--generate", "bitcoin");

        Assert.True(created.Exit == 0, created.Stderr);
        Assert.Contains("wrote 20 records", created.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badRegion.Exit);
        Assert.Contains("--region", badRegion.Stderr, StringComparison.Ordinal);
        AssertNoSecret(created.Stdout, created.Stderr, missing.Stdout, missing.Stderr, badRegion.Stdout, badRegion.Stderr);
    }

    private string[] Pipeline(string name, string stream, string table) => PipelineKeys(name, kinesalite.Server, stream, table);

    private static async Task<(int Exit, string Stdout, string Stderr)> Run(Dictionary<string, string> environment, params string[] args)
    {
        await using var process = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), environment, args);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exit, process.Stdout, process.Stderr);
    }

    private static void AssertNoSecret(params string[] texts)
    {
        foreach (var secret in Secrets)
        {
            Assert.All(texts, text => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));
        }
    }
}
