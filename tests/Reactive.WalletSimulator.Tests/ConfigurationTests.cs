using Reactive.WalletSimulator.Hosting;

namespace Reactive.WalletSimulator.Tests;

/// <summary>A bad configuration stops the simulator before it serves anything, with a message naming each bad key.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Run_InvalidValues_ExitTwoNamingEveryKey()
    {
        var (exit, stderr) = await RunAsync(
            "--Simulator:Users:1:AccessKey=",
            "--Simulator:Users:2:AccessKey=k",
            "--Simulator:Users:2:Euro=0.001",
            "--Simulator:MaxAmount=0.000000001",
            "--Simulator:Price:Kind=file",
            "--Simulator:Faults:ErrorRate=2",
            "--Simulator:Faults:DelayRate=0.5");

        Assert.Equal(2, exit);
        Assert.Equal(
            """
            wallet-simulator: invalid configuration, not starting:
              Simulator:Users:1:AccessKey is required
              Simulator:Users:2:Euro must be at least 0 with at most 2 decimals (got 0.001)
              Simulator:MaxAmount must be a positive number of bitcoin with at most 8 decimals (got 0.000000001)
              Simulator:Price:File is required when Simulator:Price:Kind is file
              Simulator:Faults:ErrorRate must be between 0 and 1 (got 2)
              Simulator:Faults:ErrorRate + LostAnswerRate + DelayRate must be at most 1 (got 2.5)

            """,
            stderr.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--Simulator:Price:Kind=bogus", "Failed to convert configuration value 'bogus' at 'Simulator:Price:Kind'")]
    [InlineData("--Simulator:Faults:ErorRate=1", "properties were not found on the instance of Reactive.WalletSimulator.Faults.FaultOptions: 'ErorRate'")]
    [InlineData("--Simulator:Price:Generator:Interval=00:00:00.5", "Simulator:Price:Generator:Interval must be a whole number of seconds, at least 1 (got 00:00:00.5000000).")]
    [InlineData("--Simulator:Price:Kind=file --Simulator:Price:File=/nonexistent/rates.jsonl", "Simulator:Price:File /nonexistent/rates.jsonl does not exist")]
    public async Task Run_InvalidKey_ExitTwoWithTheReason(string args, string reason)
    {
        var (exit, stderr) = await RunAsync(args.Split(' '));

        Assert.Equal(2, exit);
        Assert.StartsWith("wallet-simulator: invalid configuration, not starting:\n", stderr.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PriceFileWithoutARate_ExitOneWithTheReason()
    {
        var directory = SimulatorServer.NewDirectory();
        try
        {
            var file = Path.Combine(directory, "empty.jsonl");
            await File.WriteAllTextAsync(file, "{\"timestamp\":\"2021-01-04T00:00:00\"}\nnot json\n");

            var (exit, stderr) = await RunAsync("--Simulator:Price:Kind=file", $"--Simulator:Price:File={file}", $"--Simulator:StatePath={Path.Combine(directory, "w.db")}");

            Assert.Equal(1, exit);
            Assert.Equal("wallet-simulator: cannot start: the price feed has no line with a timestamp and a positive euro_rate (2 lines skipped)\n", stderr.ReplaceLineEndings("\n"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int Exit, string Stderr)> RunAsync(params string[] args)
    {
        using var stderr = new StringWriter();
        var exit = await SimulatorHost.RunAsync(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None", .. args], stderr);
        return (exit, stderr.ToString());
    }
}
