using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Reactive.Sources.Generators;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The course's <c>stdbuf -oL cat 14081.csv | ncat localhost 9999</c>, header line included, into the spread pipeline.</summary>
public sealed class SocketSpreadTests
{
    [Fact]
    public async Task Spread_QuotesOverSocket_EverySecondOnceAndTheHeaderSkipped()
    {
        var csv = new StringWriter { NewLine = "\r\n" };
        BboQuoteGenerator.Write(csv, new BboQuoteGeneratorOptions { Rows = 3000, Seed = 7 });
        var lines = csv.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        // Independent expectation: distinct local seconds of the data rows (the zone maps seconds one to one).
        var seconds = lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[1]} {f[2][..8]}").Distinct().Count();
        var minutes = lines.Skip(1).Select(l => l.Split(',')).Select(f => $"{f[1]} {f[2][..5]}").Distinct().Count();

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var service = StartSpread(listener);
        using (var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(csv.ToString()));
        }

        // Windows are final once the watermark passes them; the last second and minute are flushed at shutdown.
        await service.WaitForStdoutAsync(o => o.Split('\n').Count(l => l.Contains("\"kind\":\"second\"", StringComparison.Ordinal)) >= seconds - 1, TimeSpan.FromSeconds(30), "the seconds");
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));

        var rows = service.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(seconds, rows.Count(r => r.GetProperty("kind").GetString() == "second"));
        Assert.Equal(minutes, rows.Count(r => r.GetProperty("kind").GetString() == "minute"));
        Assert.Equal(3000, rows.Where(r => r.GetProperty("kind").GetString() == "second").Sum(r => r.GetProperty("count").GetInt64()));
        Assert.DoesNotContain("rejected a row", service.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Spread_QuotesWithinOneSecond_ProgressShowsTheirWatermarkBeforeAnyWindowCloses()
    {
        // Quotes at 09:30:00.033, 00.5, 04.5 and (out of order) 01.0, New York = 14:30Z: with a 5 s delay no window is
        // final, yet the progress must show the newest event time (14:30:04.5Z) and the watermark it gives (14:29:59.5Z).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var service = StartSpread(listener, "--Pipelines:spread:Options:WatermarkDelay", "5 seconds");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(
            "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\nITT,03/03/2014,09:30:00.500,43.17,P,3,43.69,P,3\r\n" +
            "ITT,03/03/2014,09:30:04.500,43.17,P,4,43.69,P,3\r\nITT,03/03/2014,09:30:01.000,43.18,P,4,43.69,P,3\r\n"));
        using var http = new HttpClient { BaseAddress = url };

        JsonElement progress = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            progress = JsonDocument.Parse(await http.GetStringAsync("/api/pipelines/spread")).RootElement;
            // Input rows are counted as lines arrive, just before they are parsed: wait for the last quote's time too.
            if (progress.GetProperty("inputRows").GetInt64() == 4 && progress.GetProperty("maxEventTime").ValueKind != JsonValueKind.Null
                && progress.GetProperty("maxEventTime").GetDateTimeOffset().Second == 4)
            {
                break;
            }
        }

        Assert.Equal(4, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(0, progress.GetProperty("outputRows").GetInt64());
        Assert.Equal(DateTimeOffset.Parse("2014-03-03T14:30:04.5Z", CultureInfo.InvariantCulture), progress.GetProperty("maxEventTime").GetDateTimeOffset());
        Assert.Equal(DateTimeOffset.Parse("2014-03-03T14:29:59.5Z", CultureInfo.InvariantCulture), progress.GetProperty("watermark").GetDateTimeOffset());
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Spread_BadAndLateQuotesOverSocket_DeadLettersKeepTheirLinesAndEveryLineIsCounted()
    {
        // Parsed from the socket's bytes (no string per line): a rejected line and a quote the spread turns away (late:
        // its second was final once 09:30:02 was seen, watermark delay 0) must still carry their lines, as sent.
        const string bad = "ITT,03/03/2014,09:30:00.500,not-a-price,P,3,43.69,P,3";
        const string late = "ITT,03/03/2014,09:30:00.700,43.18,P,4,43.69,P,3";
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var service = StartSpread(listener, "--Pipelines:spread:Options:WatermarkDelay", "0 seconds");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var client = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(
            "Symbol,Date,Time,Bid Price,Bid Exchange,Bid Size,Ask Price,Ask Exchange,Ask Size\r\n" +
            "ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3\r\n" + bad + "\r\n\r\n" +
            "ITT,03/03/2014,09:30:02.000,43.17,P,4,43.69,P,3\r\n" + late + "\r\n"));
        using var http = new HttpClient { BaseAddress = url };

        var letters = new Dictionary<long, (string? Code, string? Raw)>();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && letters.Count < 2; await Task.Delay(100))
        {
            letters = JsonDocument.Parse(await http.GetStringAsync("/api/deadletters?pipeline=spread")).RootElement.EnumerateArray()
                .ToDictionary(e => e.GetProperty("line").GetInt64(), e => (e.GetProperty("code").GetString(), e.GetProperty("raw").GetString()));
        }

        var progress = JsonDocument.Parse(await http.GetStringAsync("/api/pipelines/spread")).RootElement;
        Assert.Equal(2, letters.Count);
        Assert.Equal(bad, letters[3].Raw);
        Assert.Equal("late", letters[6].Code);
        Assert.Equal(late, letters[6].Raw);

        // 6 lines: a header and a blank line skipped, 3 quotes parsed (the late one too), 1 line rejected by the parser.
        Assert.Equal(6, progress.GetProperty("inputRows").GetInt64());
        Assert.Equal(3, progress.GetProperty("rowsParsed").GetInt64());
        Assert.Equal(1, progress.GetProperty("skippedBlank").GetInt64());
        Assert.Equal(1, progress.GetProperty("skippedHeader").GetInt64());
        Assert.Equal(1, progress.GetProperty("lateRows").GetInt64());
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>The built service with one spread pipeline, a socket client of <paramref name="listener"/>, and more options.</summary>
    private static ServiceProcess StartSpread(TcpListener listener, params string[] options) => ServiceProcess.Start(
        ServiceProcess.NewWorkingDirectory(),
        null,
        [
            "--urls", "http://127.0.0.1:0",
            "--pipelines", "spread",
            "--Pipelines:spread:Kind", "spread",
            "--Pipelines:spread:Source:Kind", "socket",
            "--Pipelines:spread:Source:Host", "127.0.0.1",
            "--Pipelines:spread:Source:Port", ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture),
            .. options,
        ]);
}
