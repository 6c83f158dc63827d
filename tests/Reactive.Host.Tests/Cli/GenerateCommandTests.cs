namespace Reactive.Host.Tests.Cli;

public class GenerateCommandTests
{
    [Theory]
    [InlineData("--rows", "10", "--seed", "1")]
    [InlineData("--rows")] // a syntax error in the arguments of an unknown kind
    [InlineData("extra")]
    public void Generate_UnknownKind_ExitTwoNamingTheKindsNotTheArguments(params string[] arguments)
    {
        var (exit, _, stderr) = CliRunner.Run(["generate", "prices", .. arguments]);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("reactive generate: unknown data kind 'prices' (one of: bbo, hourly, bitcoin)", line);
    }

    [Fact]
    public void Generate_KnownKindWithAnUnknownArgument_ExitTwoNamingTheArgument()
    {
        var (exit, _, stderr) = CliRunner.Run("generate", "hourly", "--rows", "10", "--symbol", "X");

        Assert.Equal(2, exit);
        Assert.Contains("--symbol: not an argument of 'generate hourly'", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Hourly_SameSeedSameBytes_HeaderAndOneLinePerRow()
    {
        var first = CliRunner.TempFile("a.csv");
        var second = CliRunner.TempFile("b.csv");

        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "48", "--seed", "7", "-o", first).Exit);
        Assert.Equal(0, CliRunner.Run("generate", "hourly", "--rows", "48", "--seed", "7", "-o", second).Exit);

        var lines = File.ReadAllLines(first);
        Assert.Equal(49, lines.Length);
        Assert.Equal("date,hour,hoep", lines[0]);
        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }

    [Theory]
    [InlineData("2024-04-10T12:00:00", "2024-04-10T12:00:00")]
    [InlineData("2024-04-10", "2024-04-10T00:00:00")]
    [InlineData("2024-04-10 09:30:00", "2024-04-10T09:30:00")]
    public void Generate_BitcoinStart_FirstTimestampIsTheStart(string start, string expected)
    {
        var (exit, stdout, stderr) = CliRunner.Run("generate", "bitcoin", "--rows", "2", "--start", start);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith($"{{\"timestamp\":\"{expected}\"", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("12:00:00")] // a time alone would be dated from the machine's clock
    [InlineData("2024-04-10T12:00:00+02:00")] // an offset would be converted to the machine's zone
    [InlineData("April 10")]
    public void Generate_BitcoinStartThatIsNotADateAndTime_ExitTwoNamingIt(string start)
    {
        var (exit, _, stderr) = CliRunner.Run("generate", "bitcoin", "--rows", "2", "--start", start);

        Assert.Equal(2, exit);
        Assert.Contains($"--start: '{start}' is not a date and time such as 2021-01-04T00:00:00", stderr, StringComparison.Ordinal);
    }
}
