namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The built service refuses a bad configuration at start, naming the key, and exits 2.</summary>
public sealed class ConfigurationErrorTests
{
    [Theory]
    [InlineData("Pipelines:wordcount:Source:Port", "--Pipelines:wordcount:Enabled", "true", "--Pipelines:wordcount:Source:Port", "0")]
    [InlineData("Pipelines:wordcount:Kind", "--Pipelines:wordcount:Kind", "wordcounter")]
    [InlineData("Pipelines:sample-wordcount:Options:BatchInterval", "--Pipelines:sample-wordcount:Options:BatchInterval", "-5 seconds")]
    [InlineData("Pipelines:sample-wordcount:Source:Intervall", "--Pipelines:sample-wordcount:Source:Intervall", "1 second")]
    [InlineData("Pipelines:sample-wordcount:Sinks:0:Kind", "--Pipelines:sample-wordcount:Sinks:0:Kind", "printer")]
    [InlineData("--pipelines", "--pipelines", "nosuchpipeline")]
    public async Task Service_BadConfiguration_StopsAtStartNamingTheKey(string key, params string[] args)
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, [.. args, "--urls", "http://127.0.0.1:0"]);
        var exit = await service.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, exit);
        Assert.Contains("invalid configuration", service.Stderr, StringComparison.Ordinal);
        Assert.Contains(key, service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_SeveralBadOptionSections_NamesEveryKeyWithTheValueRead()
    {
        await using var service = ServiceProcess.Start(
            ServiceProcess.NewWorkingDirectory(),
            null,
            "--Tables:CommitInterval", "20 seconds", "--Sql:MaxResultBytes", "0", "--Progress:LogInterval", "0 seconds", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("invalid configuration, not starting", service.Stderr, StringComparison.Ordinal);
        Assert.Contains("Tables:CommitInterval: must be between 0 seconds and 10 seconds (got 20 seconds).", service.Stderr, StringComparison.Ordinal);
        Assert.Contains("Sql:MaxResultBytes: The field MaxResultBytes must be between 1024 and 2147483648 (got 0).", service.Stderr, StringComparison.Ordinal);
        Assert.Contains("Progress:LogInterval: must be between 100 milliseconds and 1 day (got 0 seconds).", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Service_MissingSocketPortFromEnvironment_NamesTheKey()
    {
        var env = new Dictionary<string, string>
        {
            ["Pipelines__custom__Kind"] = "wordcount",
            ["Pipelines__custom__Source__Kind"] = "socket",
        };
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), env, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Pipelines:custom:Source:Port: is required", service.Stderr, StringComparison.Ordinal);
    }
}
