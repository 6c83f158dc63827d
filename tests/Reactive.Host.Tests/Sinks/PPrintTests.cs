using Reactive.Host.Sinks;

namespace Reactive.Host.Tests.Sinks;

public sealed class PPrintTests
{
    // Written out from pyspark/streaming/dstream.py pprint(): three header lines, up to num
    // records, "..." when take(num + 1) returned more, then print("").
    [Fact]
    public void Format_MoreRecordsThanShown_MatchesSparkLayout()
    {
        var records = Enumerable.Range(1, 10).Select(i => $"('w{i}', {20 - i})").ToList();

        var text = PPrint.Format(new DateTime(2024, 3, 5, 12, 0, 10), records, total: 12);

        var expected =
            "-------------------------------------------\n" +
            "Time: 2024-03-05 12:00:10\n" +
            "-------------------------------------------\n" +
            string.Concat(records.Select(r => r + "\n")) +
            "...\n" +
            "\n";
        Assert.Equal(expected, text);
    }

    [Fact]
    public void Format_EmptyBatch_PrintsHeaderOnly()
    {
        var text = PPrint.Format(new DateTime(2024, 3, 5, 12, 0, 20), [], total: 0);

        Assert.Equal("-------------------------------------------\nTime: 2024-03-05 12:00:20\n-------------------------------------------\n\n", text);
    }

    [Fact]
    public void Format_ExactlyTenRecords_HasNoEllipsis()
    {
        var records = Enumerable.Range(0, 10).Select(i => $"('{i}', 1)").ToList();

        Assert.DoesNotContain("...", PPrint.Format(new DateTime(2024, 1, 1), records, total: 10), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello", "'hello'")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("say \"hi\" it's", "'say \"hi\" it\\'s'")]
    [InlineData("back\\slash", "'back\\\\slash'")]
    [InlineData("tab\there", "'tab\\there'")]
    [InlineData("bell\u0007", "'bell\\x07'")]
    [InlineData("café", "'café'")]
    public void Repr_String_MatchesPython(string value, string expected) => Assert.Equal(expected, PPrint.Repr(value));

    [Fact]
    public void Tuple_And_List_MatchPython()
    {
        Assert.Equal("('the', 21)", PPrint.Tuple("the", 21));
        Assert.Equal("['a', '', 'c d']", PPrint.List(["a", "", "c d"]));
    }

    [Fact]
    public void PythonStr_ShowsMicrosecondsOnlyWhenPresent()
    {
        Assert.Equal("2024-03-05 12:00:10", PPrint.PythonStr(new DateTime(2024, 3, 5, 12, 0, 10)));
        Assert.Equal("2024-03-05 12:00:10.250000", PPrint.PythonStr(new DateTime(2024, 3, 5, 12, 0, 10, 250)));
    }
}
