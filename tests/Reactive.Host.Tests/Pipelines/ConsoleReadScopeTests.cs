using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reactive.Concurrency;
using System.Text;
using System.Text.Json;
using Reactive.Sources.Generators;

namespace Reactive.Host.Tests.Pipelines;

/// <summary>
/// A per-row kind's console rows from one socket read go out together, written by the thread that parsed the read when the
/// output is idle (no thread woken for them), whole lines, in order.
/// </summary>
public sealed class ConsoleReadScopeTests
{
    [Fact]
    public async Task QuotesOfOneRead_AreWrittenTogetherOnTheReadingThreadInOrder()
    {
        const int Quotes = 40;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var stdout = new ThreadRecordingWriter();
        await using var pipeline = await InProcessPipeline.StartAsync("live", TimeProvider.System, DefaultScheduler.Instance, stdout,
            ("Kind", "spread"),
            ("Source:Kind", "socket"),
            ("Source:Host", "127.0.0.1"),
            ("Source:Port", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture)),
            ("Options:TimeZone", "UTC"),
            ("Options:EmitQuotes", "true"),
            ("Sinks:0:Kind", "console"));
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));

        // One send: the header and 40 quotes a millisecond apart (loopback delivers them in one read or a few).
        var text = new StringBuilder(BboQuoteGenerator.Header + "\r\n");
        for (var i = 0; i < Quotes; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"ITT,03/03/2014,09:30:00.{i:000},43.{10 + i},Z,1,43.{60 + i},P,3\r\n");
        }

        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
        await Eventually.TrueAsync(() => stdout.QuoteLines().Count >= Quotes, "the quotes' rows on the console", TimeSpan.FromSeconds(60));

        var writes = stdout.Writes();
        var quoteWrites = writes.Where(w => w.Text.Contains("\"kind\":\"quote\"", StringComparison.Ordinal)).ToList();
        Assert.All(writes, w => Assert.EndsWith("\n", w.Text, StringComparison.Ordinal));
        Assert.True(quoteWrites.Count < Quotes, $"{Quotes} quote rows took {quoteWrites.Count} writes: one per row, not per read");
        Assert.Contains(quoteWrites, w => w.Thread != "results-output");

        // Every quote once, in the order sent: bid 43.10, 43.11, …
        var bids = stdout.QuoteLines().Select(l => JsonDocument.Parse(l).RootElement.GetProperty("bid").GetDouble()).ToList();
        Assert.Equal(Enumerable.Range(0, Quotes).Select(i => double.Parse($"43.{10 + i}", CultureInfo.InvariantCulture)), bids);
    }

    /// <summary>Records each write's text and the name of the thread that made it.</summary>
    private sealed class ThreadRecordingWriter : TextWriter
    {
        private readonly Lock _gate = new();
        private readonly List<(string Thread, string Text)> _writes = [];

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

        public override void Write(string? value)
        {
            lock (_gate)
            {
                _writes.Add((Thread.CurrentThread.Name ?? "", value ?? ""));
            }
        }

        public List<(string Thread, string Text)> Writes()
        {
            lock (_gate)
            {
                return [.. _writes];
            }
        }

        public List<string> QuoteLines() =>
            [.. string.Concat(Writes().Select(w => w.Text)).Split('\n').Where(l => l.Contains("\"kind\":\"quote\"", StringComparison.Ordinal))];
    }
}
