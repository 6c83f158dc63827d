using Reactive.Host.Tests.Cli;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Configuration;

/// <summary>
/// Settings that used to pass start-up and then fail every run (the service restarting the pipeline for ever) now stop
/// it at start: through the configuration (the built service, exit 2, the key named) and through the command line
/// (<c>reactive run</c>, exit 2, the argument named). One options <c>Validate()</c> serves both.
/// </summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Pipelines:sample-anomaly:Options:Lookback", "--Pipelines:sample-anomaly:Options:Lookback", "12 hours")]
    [InlineData("Pipelines:sample-anomaly:Options:MaxBaselineSize", "--Pipelines:sample-anomaly:Options:MaxBaselineSize", "5")]
    [InlineData("Pipelines:sample-spread:Options:Emit", "--Pipelines:sample-spread:Options:EmitSeconds", "false", "--Pipelines:sample-spread:Options:EmitMinutes", "false")]
    [InlineData("Pipelines:sample-bitcoin:Options:Slide", "--Pipelines:sample-bitcoin:Options:Slide", "20 minutes")]
    [InlineData("Pipelines:sample-trading:Options:Threshold", "--Pipelines:sample-trading:Options:Threshold", "1.5")]
    [InlineData("Pipelines:spread-course:Source:Path", "--Pipelines:spread-course:Enabled", "true", "--Pipelines:spread-course:Source:Path", "no-such-quotes.csv")]
    [InlineData("Pipelines:sample-spread:Source:TimeFormat", "--Pipelines:sample-spread:Source:Kind", "replay", "--Pipelines:sample-spread:Source:Path", "quotes.csv", "--Pipelines:sample-spread:Source:TimeFormat", "unix:x")]
    [InlineData("Telemetry:OtlpEndpoint", "--Telemetry:OtlpEndpoint", "localhost:4318")]
    [InlineData("Telemetry:OtlpEndpoint", "--Telemetry:OtlpEndpoint", "ftp://collector:4318")]
    [InlineData("Telemetry:OtlpProtocol", "--Telemetry:OtlpProtocol", "udp")]
    [InlineData("Telemetry:OtlpExportInterval", "--Telemetry:OtlpExportInterval", "soon")]
    [InlineData("Telemetry:OtlpEndpont", "--Telemetry:OtlpEndpont", "http://localhost:4318")]
    public async Task Service_SettingThatFailedEveryRun_StopsAtStartNamingTheKey(string key, params string[] args)
    {
        var directory = ServiceProcess.NewWorkingDirectory();
        File.WriteAllText(Path.Combine(directory, "quotes.csv"), "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\n");
        await using var service = ServiceProcess.Start(directory, null, [.. args, "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(key, service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", service.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", service.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anomaly", "--lookback", "12 hours")]
    [InlineData("anomaly", "--max-baseline", "5")]
    [InlineData("anomaly", "--stddevs", "0")]
    [InlineData("spread", "--watermark", "-1 seconds")]
    [InlineData("aggregate", "--slide", "20 minutes", "--time-field", "t", "--window", "10 minutes", "--agg", "count")]
    [InlineData("aggregate", "--start-offset", "10 minutes", "--time-field", "t", "--window", "10 minutes", "--agg", "count")]
    public void Run_SettingThatFailedTheRun_ExitsTwoNamingTheArgument(string pipeline, string argument, string value, params string[] more)
    {
        var input = CliRunner.TempFile("in.csv");
        File.WriteAllText(input, "x\n");

        var (exit, _, stderr) = CliRunner.Run(["run", pipeline, "--input", input, "--output", "-", argument, value, .. more]);

        Assert.Equal(2, exit);
        Assert.Contains($"reactive run: {argument}:", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
