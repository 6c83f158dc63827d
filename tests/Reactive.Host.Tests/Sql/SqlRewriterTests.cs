using Reactive.Host.Sql;

namespace Reactive.Host.Tests.Sql;

public sealed class SqlRewriterTests
{
    [Theory]
    [InlineData(
        "SELECT SPLIT(value,',')[0] AS Col1, SPLIT(value,',')[1] AS Col2 FROM new_dataframe",
        "SELECT split_at(value,',', 0) AS Col1, split_at(value,',', 1) AS Col2 FROM new_dataframe")]
    [InlineData("SELECT split ( value , ';' ) [ 2 ] FROM t", "SELECT split_at( value , ';' ,  2 ) FROM t")]
    [InlineData("SELECT SPLIT(value, ',') FROM t", "SELECT SPLIT(value, ',') FROM t")]
    [InlineData("SELECT SPLIT(SPLIT(v, ';')[1], ',')[0] FROM t", "SELECT split_at(split_at(v, ';', 1), ',', 0) FROM t")]
    [InlineData("SELECT SPLIT(v, ',')[SPLIT(w, ',')[0]] FROM t", "SELECT split_at(v, ',', split_at(w, ',', 0)) FROM t")]
    [InlineData("SELECT SPLIT(v, ')[0]')[1] FROM t", "SELECT split_at(v, ')[0]', 1) FROM t")]
    [InlineData("SELECT 'SPLIT(v, ,)[0]' FROM t", "SELECT 'SPLIT(v, ,)[0]' FROM t")]
    [InlineData("SELECT \"SPLIT(v,',')[0]\" FROM t", "SELECT \"SPLIT(v,',')[0]\" FROM t")]
    [InlineData("SELECT v -- SPLIT(v,',')[0]\nFROM t", "SELECT v -- SPLIT(v,',')[0]\nFROM t")]
    [InlineData("SELECT /* SPLIT(v,',')[0] */ v FROM t", "SELECT /* SPLIT(v,',')[0] */ v FROM t")]
    [InlineData("SELECT t.split FROM t", "SELECT t.split FROM t")]
    [InlineData("SELECT [split] FROM t", "SELECT [split] FROM t")]
    [InlineData("SELECT 'it''s SPLIT(a,b)[0]', SPLIT(a,b)[0] FROM t", "SELECT 'it''s SPLIT(a,b)[0]', split_at(a,b, 0) FROM t")]
    public void Rewrite_Split_BecomesSplitAtOutsideLiterals(string sql, string expected) =>
        Assert.Equal(expected, SqlRewriter.Rewrite(sql));

    [Theory]
    [InlineData(
        "select time_window.start, time_window.end, window_avg_euro_rate from bitcoin_window",
        "select window_start, window_end, window_avg_euro_rate from bitcoin_window")]
    [InlineData("SELECT window.start, WINDOW.END FROM t ORDER BY window.start", "SELECT window_start, window_end FROM t ORDER BY window_start")]
    [InlineData("SELECT 'window.start', \"window.end\" FROM t", "SELECT 'window.start', \"window.end\" FROM t")]
    [InlineData("SELECT window.starts, windows.start FROM t", "SELECT window.starts, windows.start FROM t")]
    [InlineData("SELECT b.time_window.start FROM t b", "SELECT b.window_start FROM t b")]
    public void Rewrite_WindowFields_BecomeWindowColumns(string sql, string expected) =>
        Assert.Equal(expected, SqlRewriter.Rewrite(sql));

    [Fact]
    public void Rewrite_GivenWindowNames_RewritesThoseOnly() =>
        Assert.Equal(
            "select window_start, window_end, window.start, t.w_start from t",
            SqlRewriter.Rewrite("select w.start, W . end, window.start, t.w_start from t", ["w"]));

    [Fact]
    public void Rewrite_WindowFieldsOff_LeavesThemAlone() =>
        Assert.Equal("SELECT window.start FROM window", SqlRewriter.Rewrite("SELECT window.start FROM window", rewriteWindowFields: false));

    [Fact]
    public void Rewrite_UnclosedLiteralOrCall_LeavesTheTextForSqliteToReport()
    {
        Assert.Equal("SELECT SPLIT(v, ',' FROM t", SqlRewriter.Rewrite("SELECT SPLIT(v, ',' FROM t"));
        Assert.Equal("SELECT 'abc", SqlRewriter.Rewrite("SELECT 'abc"));
    }

    [Theory]
    [InlineData("a,b,c", ",", -1, new[] { "a", "b", "c" })]
    [InlineData("a,b,,", ",", -1, new[] { "a", "b", "", "" })]
    [InlineData("a,b,c", ",", 2, new[] { "a", "b,c" })]
    [InlineData("a1b22c", "[0-9]+", -1, new[] { "a", "b", "c" })]
    [InlineData("a.b", ".", -1, new[] { "", "", "", "" })]
    [InlineData("a.b", "\\.", -1, new[] { "a", "b" })]
    [InlineData("abc", "", -1, new[] { "a", "b", "c" })]
    [InlineData("", ",", -1, new[] { "" })]
    public void Split_AsSpark_SplitsOnARegex(string value, string pattern, long limit, string[] expected) =>
        Assert.Equal(expected, SqlFunctions.Split(value, pattern, limit));
}
