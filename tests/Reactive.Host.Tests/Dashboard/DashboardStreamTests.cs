using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Dashboard;

/// <summary>The dashboard's Server-Sent Events on the built service, without a browser: ids, resuming with <c>Last-Event-ID</c>, the history.</summary>
public sealed class DashboardStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Events_ReconnectWithLastEventId_GetsEveryMissedEventInOrderThenLiveOnes()
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };

        // First connection: read until a chart event came, then leave.
        var first = await ReadAsync(http, null, items => items.Any(i => i.EventType == "chart") && items.Count >= 3);
        Assert.Equal("hello", first[0].EventType);
        var seen = first.Skip(1).ToList();
        Assert.All(seen, i => Assert.False(string.IsNullOrEmpty(i.EventId), $"event {i.EventType} has an id"));
        var instance = seen[0].EventId!.Split('-')[0];
        var sequences = seen.Select(i => Sequence(i.EventId!)).ToList();
        Assert.Equal(Enumerable.Range((int)sequences[0], sequences.Count).Select(i => (long)i), sequences);
        var lastSeen = seen[^1].EventId!;

        // While nobody listens the service goes on: wait until the history holds at least 5 more events.
        JsonElement missed = default;
        for (var until = DateTime.UtcNow + Deadline; DateTime.UtcNow < until; await Task.Delay(200))
        {
            missed = await http.GetFromJsonAsync<JsonElement>($"/api/dashboard/history?since={lastSeen}");
            if (missed.GetProperty("events").GetArrayLength() >= 5)
            {
                break;
            }
        }

        var missedEvents = missed.GetProperty("events").EnumerateArray().ToList();
        Assert.True(missedEvents.Count >= 5, $"the history after {lastSeen}: {missed}");
        Assert.Equal(instance, missed.GetProperty("instance").GetString());

        // Reconnect as a browser does, with the last id it got: the missed events first, in order, then live ones.
        var resumed = await ReadAsync(http, lastSeen, items => items.Count > missedEvents.Count + 2);
        var events = resumed.Skip(1).ToList();
        var expected = Sequence(lastSeen) + 1;
        foreach (var item in events)
        {
            Assert.Equal($"{instance}-{expected}", item.EventId);
            expected++;
        }

        for (var i = 0; i < missedEvents.Count; i++)
        {
            Assert.Equal(missedEvents[i].GetProperty("id").GetString(), events[i].EventId);
            Assert.Equal(missedEvents[i].GetProperty("type").GetString(), events[i].EventType);
            Assert.True(JsonElement.DeepEquals(missedEvents[i].GetProperty("data"), JsonDocument.Parse(events[i].Data).RootElement), $"event {events[i].EventId}: the stream and the history agree");
        }

        // An id of an earlier process (a restarted service) gets everything kept; a malformed one is refused.
        var fromEarlier = await ReadAsync(http, "1-999999", items => items.Count >= 2);
        Assert.Equal($"{instance}-1", fromEarlier[1].EventId);
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/dashboard/events");
        bad.Headers.Add("Last-Event-ID", "not-an-id");
        using var refused = await http.SendAsync(bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var exit = await service.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, $"exit code {exit}\n{service.Stderr}");
    }

    [RequiresExecutableFact("/usr/bin/curl")]
    public async Task DashboardDoc_Commands_RunAsShown()
    {
        var doc = File.ReadAllText(Path.Combine(Readme.RepositoryRoot(), "docs", "DASHBOARD.md")).ReplaceLineEndings("\n");
        var commands = Readme.Blocks(doc).Where(b => b.Language == "sh").SelectMany(b => Readme.Words(b.Text)).ToList();
        Assert.Equal(3, commands.Count);

        // The first: the service on its defaults (here on a free port), which serves the page.
        Assert.Equal(Array.Empty<string>(), Readme.ReactiveArguments(commands[0]));
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), null, "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));
        using var http = new HttpClient { BaseAddress = url };
        var page = await http.GetStringAsync("/");
        Assert.Contains("lib/uPlot.iife.min.js", page, StringComparison.Ordinal);
        Assert.True((await http.GetByteArrayAsync("/lib/uPlot.iife.min.js")).Length > 10_000);

        // The trading panel is offered exactly when the service answers GET /api/trading.
        using var trading = await http.GetAsync("/api/trading");
        var features = await http.GetFromJsonAsync<JsonElement>("/api/dashboard/features");
        Assert.Equal(trading.StatusCode != HttpStatusCode.NotFound, features.GetProperty("trading").GetBoolean());
        for (var until = DateTime.UtcNow + Deadline; DateTime.UtcNow < until && (await http.GetFromJsonAsync<JsonElement>("/api/dashboard/history")).GetProperty("events").GetArrayLength() < 2;)
        {
            await Task.Delay(200);
        }

        // The curl commands against this service's address.
        var history = JsonDocument.Parse(Curl(commands[1], url, out var exit)).RootElement;
        Assert.Equal(0, exit);
        Assert.Equal(2, history.GetProperty("events").GetArrayLength());
        Assert.Equal(history.GetProperty("events")[1].GetProperty("id").GetString(), history.GetProperty("last").GetString());

        var stream = Curl(commands[2], url, out exit);
        Assert.Equal(28, exit); // --max-time: the stream does not end by itself
        Assert.StartsWith("event: hello\n", stream, StringComparison.Ordinal);
        Assert.Contains($"id: {history.GetProperty("instance").GetString()}-1\n", stream, StringComparison.Ordinal);
        await service.TerminateAsync(TimeSpan.FromSeconds(30));
    }

    private static string Curl(string[] command, Uri service, out int exit)
    {
        Assert.Equal("curl", command[0]);
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var word in command.Skip(1))
        {
            info.ArgumentList.Add(word.Replace("localhost:5080", service.Authority, StringComparison.Ordinal));
        }

        using var process = System.Diagnostics.Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        exit = process.ExitCode;
        return output;
    }

    private static long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens the stream (with <c>Last-Event-ID</c> when given) and reads until <paramref name="enough"/> says so.</summary>
    private static async Task<List<SseItem<string>>> ReadAsync(HttpClient http, string? lastEventId, Func<List<SseItem<string>>, bool> enough)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/dashboard/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var cts = new CancellationTokenSource(Deadline);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cts.Token))
        {
            items.Add(item);
            if (enough(items))
            {
                return items;
            }
        }

        throw new InvalidOperationException($"the stream ended after {items.Count} events");
    }
}
