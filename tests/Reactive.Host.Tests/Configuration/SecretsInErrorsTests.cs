using Microsoft.Extensions.Configuration;
using Reactive.Host.Configuration;
using Reactive.Host.Settings;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Configuration;

/// <summary>
/// Keys outside the service's sections are refused, naming the key; an error about a key named like a secret
/// (<c>*Key*</c>, <c>*Secret*</c>, <c>*Password*</c>, <c>*Token*</c>) never prints its value.
/// </summary>
public sealed class SecretsInErrorsTests
{
    private const string Secret = "hunter2-s3cr3t";

    private sealed class Target
    {
        public int ApiToken { get; set; }

        public int Port { get; set; }
    }

    private static readonly SettingsTable<Target> Table = new SettingsTable<Target>()
        .Int("ApiToken", "api-token", (o, v) => o.ApiToken = v)
        .Int("Port", "port", (o, v) => o.Port = v);

    [Fact]
    public void ConfigSource_BadValueOfASecretKey_NamesTheKeyNotTheValue()
    {
        var errors = new List<string>();
        var section = new ConfigurationBuilder().AddInMemoryCollection([new("X:ApiToken", Secret), new("X:Port", "eighty")]).Build().GetSection("X");

        Table.Bind(new ConfigSettingSource(section, errors), new Target());

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("X:ApiToken: ", errors[0], StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, errors[0], StringComparison.Ordinal);
        Assert.Contains(SecretKeys.Hidden, errors[0], StringComparison.Ordinal);
        Assert.Equal("X:Port: 'eighty' is not a whole number", errors[1]); // other values are shown, as before
    }

    [Fact]
    public void ArgSource_BadValueOfASecretArgument_NamesTheArgumentNotTheValue()
    {
        var source = Reactive.Host.Cli.CliOptions.Parse(Table.Arguments, "--api-token", Secret);

        Table.Bind(source, new Target());

        var error = Assert.Single(source.Errors);
        Assert.StartsWith("--api-token: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KeyOutsideTheKnownSections_IsRefusedByName()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(["--Foo:Password=" + Secret, "--Tables:QueueCapacty", "5"]).Build();

        PipelineCatalog.Load(configuration, out var errors);

        Assert.Contains(errors, e => e.StartsWith("Foo:Password: not a setting of the service", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tables:QueueCapacty: unknown key for the Tables section (known keys: ", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.DoesNotContain(Secret, e, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_EveryOptionsSectionOfTheService_IsKnown()
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(
        [
            "--Http:AllowedOrigins:0", "http://localhost:8080", "--AllowedHosts", "localhost", "--Sql:TimeLimit", "3 seconds",
            "--Tables:QueueCapacity", "5", "--Progress:LogInterval", "1 minute", "--DeadLetters:Capacity", "10",
        ]).Build();

        PipelineCatalog.Load(configuration, out var errors);

        Assert.Empty(errors);
    }

    [Fact]
    public async Task Service_SecretOutsideTheKnownSections_StopsAtStartNamingTheKeyOnly()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--Foo:Password=" + Secret, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Foo:Password: not a setting of the service", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, service.Stderr + service.Stdout, StringComparison.Ordinal);
    }
}
