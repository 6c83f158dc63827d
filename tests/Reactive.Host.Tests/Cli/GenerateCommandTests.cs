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
}
