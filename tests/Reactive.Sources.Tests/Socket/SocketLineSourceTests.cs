using System.Reactive.Linq;
using System.Text;
using Reactive.Sources.Socket;
using Reactive.Sources.Tests.Common;

namespace Reactive.Sources.Tests.Socket;

public sealed class SocketLineSourceTests
{
    private static SocketSourceOptions Options(int port) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        InitialDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(200),
        JitterFraction = 0,
    };

    [Fact]
    public async Task Subscribe_BytesSentOneByOne_LinesReassembled()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();

        await client.SendByteByByteAsync("hello\nworld\n"u8.ToArray());

        var origin = $"127.0.0.1:{server.Port}";
        Assert.Equal(
            [new SourceLine(origin, 1, "hello"), new SourceLine(origin, 2, "world")],
            await lines.WaitForCountAsync(2));
    }

    [Fact]
    public async Task Subscribe_CrLfLines_CrRemoved()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();

        await client.SendAsync("Symbol,Bid\r\nAAPL,1.5\r\n"u8.ToArray());

        var got = await lines.WaitForCountAsync(2);
        Assert.Equal(["Symbol,Bid", "AAPL,1.5"], got.Select(l => l.Text));
    }

    [Fact]
    public async Task Subscribe_MultiByteCharSplitAcrossPackets_Decoded()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();

        // "prix 5€" then "😀": € is E2 82 AC and 😀 is F0 9F 98 80; each byte goes in its own packet.
        await client.SendByteByByteAsync([.. "prix 5"u8, 0xE2, 0x82, 0xAC, (byte)'\n', 0xF0, 0x9F, 0x98, 0x80, (byte)'\n']);

        var got = await lines.WaitForCountAsync(2);
        Assert.Equal(["prix 5\u20AC", "\uD83D\uDE00"], got.Select(l => l.Text));
    }

    [Fact]
    public async Task Subscribe_OverLongLine_DeadLetteredAndNextLineDelivered()
    {
        using var server = new TestServer();
        var options = Options(server.Port);
        options.MaxLineLength = 100;
        var source = new SocketLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var rejected = new Collector<SourceRejected>();
        using var rejectedSubscription = source.Rejected.Subscribe(rejected);
        using var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();

        var longLine = new string('a', 300) + new string('b', 700);
        await client.SendAsync(Encoding.UTF8.GetBytes("before\n" + longLine + "\nafter\n"));

        var got = await lines.WaitForCountAsync(2);
        var origin = $"127.0.0.1:{server.Port}";
        Assert.Equal([new SourceLine(origin, 1, "before"), new SourceLine(origin, 3, "after")], got);
        var letter = Assert.Single(await rejected.WaitForCountAsync(1));
        Assert.Equal("line_too_long", letter.Code);
        Assert.Equal(2, letter.LineNumber);
        Assert.Equal(origin, letter.Origin);
        Assert.Equal(new string('a', 300) + new string('b', 212), letter.Raw);
        Assert.Contains("MaxLineLength", letter.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf8Lines_SameBytesAsTheLines_SameTextNumbersAndDeadLetters_NoEmptyBatch()
    {
        // CRLF, a multi-byte character and a line split across two writes, an over-long line, a blank line, and an
        // unterminated last line when the server closes: the batches must hold what a subscription to the lines gets.
        byte[][] writes =
        [
            [.. "Symbol,Bid\r\nAAPL,1.5\r\nprix 5"u8, 0xE2],
            [0x82, 0xAC, .. "\n"u8, .. Encoding.UTF8.GetBytes(new string('x', 150) + "\n"), .. "\nMSFT,2\nend"u8],
        ];

        async Task<(List<(long Number, string Text)> Lines, List<SourceRejected> Rejected, int Batches)> Read(bool asBytes)
        {
            using var server = new TestServer();
            var options = Options(server.Port);
            options.MaxLineLength = 100;
            var source = new SocketLineSource(options);
            using var rejected = new Collector<SourceRejected>();
            using var rejectedSubscription = source.Rejected.Subscribe(rejected);
            using var lines = new Collector<(long, string)>();
            var batches = 0;
            using var subscription = asBytes
                ? source.Utf8Lines.Subscribe(batch =>
                {
                    // Read within OnNext: the batch is refilled for the next read.
                    Assert.Equal(source.Origin, batch.Origin);
                    Assert.True(batch.Count > 0, "an empty batch was delivered");
                    batches++;
                    for (var i = 0; i < batch.Count; i++)
                    {
                        lines.OnNext((batch.LineNumber(i), Encoding.UTF8.GetString(batch.Line(i))));
                    }
                })
                : source.Subscribe(l => lines.OnNext((l.LineNumber, l.Text)));
            using (var client = await server.AcceptAsync())
            {
                foreach (var write in writes)
                {
                    await client.SendAsync(write);
                }
            }

            var got = await lines.WaitForCountAsync(6, TimeSpan.FromSeconds(60));
            return ([.. got], [.. await rejected.WaitForCountAsync(1, TimeSpan.FromSeconds(60))], batches);
        }

        var asText = await Read(asBytes: false);
        var asBytes = await Read(asBytes: true);

        Assert.Equal([(1L, "Symbol,Bid"), (2L, "AAPL,1.5"), (3L, "prix 5€"), (5L, ""), (6L, "MSFT,2"), (7L, "end")], asText.Lines);
        Assert.Equal(asText.Lines, asBytes.Lines);
        var letter = Assert.Single(asBytes.Rejected);
        Assert.Equal(("line_too_long", 4L, new string('x', 150)), (letter.Code, letter.LineNumber, letter.Raw));
        Assert.Equal(asText.Rejected.Select(r => (r.Code, r.LineNumber, r.Raw)), asBytes.Rejected.Select(r => (r.Code, r.LineNumber, r.Raw)));
        Assert.InRange(asBytes.Batches, 1, asBytes.Lines.Count);
    }

    [Fact]
    public async Task Subscribe_ServerClosesWithUnterminatedLine_LastLineEmitted()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<SourceLine>();
        using var subscription = source.Subscribe(lines);
        using (var client = await server.AcceptAsync())
        {
            await client.SendAsync("one\ntwo"u8.ToArray());
        }

        var got = await lines.WaitForCountAsync(2);
        Assert.Equal(["one", "two"], got.Select(l => l.Text));
    }

    [Fact]
    public async Task Subscribe_ServerGoesAwayAndComesBackOnSamePort_Reconnects()
    {
        var server = new TestServer();
        var port = server.Port;
        var origin = $"127.0.0.1:{port}";
        var source = new SocketLineSource(Options(port));
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);

        using (var first = await server.AcceptAsync())
        {
            await first.SendAsync("one\n"u8.ToArray());
            await lines.WaitForCountAsync(1);
        }

        server.Dispose();
        await statuses.WaitAsync(s => s.Count(x => x.Kind == SourceStatusKind.Reconnecting) >= 2, "two reconnection attempts");

        using var again = new TestServer(port);
        using var second = await again.AcceptAsync();
        await second.SendAsync("two\n"u8.ToArray());

        var got = await lines.WaitForCountAsync(2);
        Assert.Equal([new SourceLine(origin, 1, "one"), new SourceLine(origin, 1, "two")], got);

        var kinds = statuses.Items.Select(s => s.Kind).ToList();
        var firstConnected = kinds.IndexOf(SourceStatusKind.Connected);
        var disconnected = kinds.IndexOf(SourceStatusKind.Disconnected);
        var reconnecting = kinds.IndexOf(SourceStatusKind.Reconnecting);
        var secondConnected = kinds.LastIndexOf(SourceStatusKind.Connected);
        Assert.True(firstConnected < disconnected && disconnected < reconnecting && reconnecting < secondConnected, string.Join(", ", kinds));
        var lost = statuses.Items[disconnected];
        Assert.Contains("cannot replay", lost.Message, StringComparison.Ordinal);
        Assert.Equal(origin, lost.Origin);
        Assert.Equal(SourceStatusKind.Connected, source.Current.Kind);
        Assert.False(source.CanReplay);
    }

    [Fact]
    public async Task Subscribe_EachConnectionSucceeds_AttemptCounterResets()
    {
        using var server = new TestServer();
        var options = Options(server.Port);
        options.MaxRetries = 1;
        var source = new SocketLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);

        // Three connections in a row, each closed by the server: with MaxRetries = 1 the source
        // survives only if every successful connection resets the count.
        for (var i = 1; i <= 3; i++)
        {
            using var client = await server.AcceptAsync();
            await client.SendAsync(Encoding.UTF8.GetBytes($"line {i}\n"));
            await lines.WaitForCountAsync(i);
        }

        await statuses.WaitAsync(s => s.Count(x => x.Kind == SourceStatusKind.Reconnecting) >= 3, "three reconnections");
        Assert.All(statuses.Items.Where(s => s.Kind == SourceStatusKind.Reconnecting), s => Assert.Equal(1, s.Attempt));
        Assert.Null(lines.Error);
        Assert.Equal(["line 1", "line 2", "line 3"], lines.Items.Select(l => l.Text));
    }

    [Fact]
    public async Task Subscribe_NoServerAndMaxRetriesExhausted_OnErrorNamesHostPortAndAttempts()
    {
        var port = TestServer.FreePort();
        var options = Options(port);
        options.MaxRetries = 2;
        options.InitialDelay = TimeSpan.FromMilliseconds(10);
        var source = new SocketLineSource(options);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);

        var error = Assert.IsType<SocketSourceException>(await lines.WaitForErrorAsync());

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 attempt", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, error.Attempts);
        Assert.Equal($"127.0.0.1:{port}", error.Origin);
        Assert.Equal([1, 2], statuses.Items.Where(s => s.Kind == SourceStatusKind.Reconnecting).Select(s => s.Attempt));
        Assert.Equal(SourceStatusKind.GaveUp, source.Current.Kind);
        Assert.Empty(lines.Items);
    }

    [Fact]
    public async Task Dispose_Subscription_ServerSeesConnectionClosedWithinOneSecond()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<SourceLine>();
        var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();
        await client.SendAsync("x\n"u8.ToArray());
        await lines.WaitForCountAsync(1);

        subscription.Dispose();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var buffer = new byte[16];
        var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Lines_AreDeliveredOnTheConnectionsOwnThreadNotThePool_InOrderAcrossSmallSends()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var lines = new Collector<(string Text, string? Thread, bool Pool)>();
        using var subscription = source.Select(l => (l.Text, Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread)).Subscribe(lines);
        using var client = await server.AcceptAsync();

        // 200 lines, each split over two sends: the reader frames them whole whatever the reads.
        for (var i = 0; i < 200; i++)
        {
            await client.SendAsync(System.Text.Encoding.ASCII.GetBytes($"line {i}"));
            await client.SendAsync("\n"u8.ToArray());
        }

        await lines.WaitForCountAsync(200, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"line {i}"), lines.Items.Select(l => l.Text));
        Assert.All(lines.Items, l => Assert.Equal(("socket-source", false), (l.Thread, l.Pool)));
    }

    [Fact]
    public async Task Dispose_WhileBlockedInAReadWithNothingSent_EndsTheReadingThreadAndClosesCleanly()
    {
        using var server = new TestServer();
        var source = new SocketLineSource(Options(server.Port));
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var lines = new Collector<SourceLine>();
        var subscription = source.Subscribe(lines);
        using var client = await server.AcceptAsync();
        await statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Connected), "connected", TimeSpan.FromSeconds(60));

        subscription.Dispose();

        // The thread blocked in its receive is woken: the server reads the end of the stream (a FIN, not a reset) and the
        // source says it stopped.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await client.GetStream().ReadAsync(new byte[16], timeout.Token));
        await statuses.WaitAsync(s => s.Any(x => x.Kind == SourceStatusKind.Stopped), "stopped", TimeSpan.FromSeconds(60));
        Assert.DoesNotContain(statuses.Items, x => x.Kind is SourceStatusKind.Disconnected or SourceStatusKind.Reconnecting);
    }

    [Fact]
    public async Task Subscribe_WithManualClock_WaitsExponentialDelaysOnTheTimeProvider()
    {
        var port = TestServer.FreePort();
        var clock = new ManualTimeProvider();
        var options = new SocketSourceOptions
        {
            Host = "127.0.0.1",
            Port = port,
            InitialDelay = TimeSpan.FromSeconds(10),
            MaxDelay = TimeSpan.FromSeconds(35),
            Multiplier = 2,
            JitterFraction = 0,
            MaxRetries = 4,
        };
        var source = new SocketLineSource(options, clock);
        using var lines = new Collector<SourceLine>();
        using var statuses = new Collector<SourceStatus>();
        using var statusSubscription = source.Status.Subscribe(statuses);
        using var subscription = source.Subscribe(lines);

        // 10 s, 20 s, then 40 s capped to 35 s, and 35 s.
        TimeSpan[] expected = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(35), TimeSpan.FromSeconds(35)];
        for (var attempt = 1; attempt <= expected.Length; attempt++)
        {
            var n = attempt;
            var all = await statuses.WaitAsync(s => s.Count(x => x.Kind == SourceStatusKind.Reconnecting) >= n, $"reconnecting #{n}");
            var reconnecting = all.Last(x => x.Kind == SourceStatusKind.Reconnecting);
            Assert.Equal(attempt, reconnecting.Attempt);
            Assert.Equal(expected[attempt - 1], reconnecting.Delay);

            // Nothing happens until the virtual clock moves past the delay.
            await WaitUntilAsync(() => clock.PendingTimers == 1);
            var connectingBefore = statuses.Items.Count(x => x.Kind == SourceStatusKind.Connecting);
            clock.Advance(expected[attempt - 1] - TimeSpan.FromTicks(1));
            Assert.Equal(connectingBefore, statuses.Items.Count(x => x.Kind == SourceStatusKind.Connecting));
            clock.Advance(TimeSpan.FromTicks(1));
        }

        var error = await lines.WaitForErrorAsync();
        Assert.Contains("5 attempt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NextDelay_WithJitter_DrawsFromTheJitterRange()
    {
        var options = new SocketSourceOptions { Host = "h", Port = 1, InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), Multiplier = 2, JitterFraction = 0.2 };
        var source = new SocketLineSource(options, jitter: new Random(42));
        var expectedRandom = new Random(42);
        double[] baseSeconds = [1, 2, 4, 8, 16, 30, 30];

        for (var attempt = 1; attempt <= baseSeconds.Length; attempt++)
        {
            var expected = baseSeconds[attempt - 1] * (1 - (0.2 * expectedRandom.NextDouble()));
            var actual = source.NextDelay(attempt).TotalSeconds;
            Assert.InRange(actual, expected - 1e-6, expected + 1e-6);
            Assert.InRange(actual, baseSeconds[attempt - 1] * 0.8, baseSeconds[attempt - 1]);
        }
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("Port")]
    [InlineData("MaxLineLength")]
    [InlineData("InitialDelay")]
    [InlineData("MaxDelay")]
    [InlineData("Multiplier")]
    [InlineData("JitterFraction")]
    [InlineData("MaxRetries")]
    public void Constructor_InvalidOption_ThrowsArgumentExceptionNamingIt(string option)
    {
        var options = new SocketSourceOptions();
        switch (option)
        {
            case "Host": options.Host = " "; break;
            case "Port": options.Port = 65536; break;
            case "MaxLineLength": options.MaxLineLength = 0; break;
            case "InitialDelay": options.InitialDelay = TimeSpan.FromSeconds(-1); break;
            case "MaxDelay": options.MaxDelay = TimeSpan.FromSeconds(-1); break;
            case "Multiplier": options.Multiplier = 0.5; break;
            case "JitterFraction": options.JitterFraction = 1.5; break;
            case "MaxRetries": options.MaxRetries = -1; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new SocketLineSource(options));
        Assert.Equal(option, error.ParamName);
        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_PortZero_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new SocketLineSource(new SocketSourceOptions { Port = 0 }));
        Assert.Equal("Port", error.ParamName);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
