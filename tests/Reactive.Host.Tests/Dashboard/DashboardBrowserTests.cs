using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Reactive.Host.Tests.EndToEnd;

namespace Reactive.Host.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (Debian's Chromium through Playwright) against the built service on its embedded
/// defaults: the page loads without a console error, every chart gets points, the SQL box answers, and after the service
/// is cut off and when the service is restarted (same state directory, a new process) the page resumes on its own, without a gap.
/// </summary>
public sealed class DashboardBrowserTests
{
    /// <summary>Where to write the page's screenshot besides the test's own folder (the repository's docs/dashboard.png is made so).</summary>
    public const string ScreenshotVariable = "REACTIVE_DASHBOARD_SCREENSHOT";

    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [RequiresExecutableFact(Chromium)]
    public async Task Dashboard_OnTheDefaults_ChartsFillSqlAnswersAndARestartResumes()
    {
        var work = ServiceProcess.NewWorkingDirectory();
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--Reactive:StateDirectory", Path.Combine(work, "state"),
            // Checkpointed per-row pipelines write their rows at each checkpoint: often, so that charts move quickly.
            "--Pipelines:sample-spread:CheckpointInterval", "1 second",
            "--Pipelines:sample-anomaly:CheckpointInterval", "1 second",
        ];
        var service = ServiceProcess.Start(work, null, args);
        try
        {
            var direct = await service.WaitForUrlAsync(TimeSpan.FromSeconds(60));

            // The browser goes through a forwarder, so that the test can break its network and restart the service under it.
            await using var proxy = new TcpProxy(direct.Port);
            var url = new Uri($"http://127.0.0.1:{proxy.Port}/");
            using var http = new HttpClient { BaseAddress = url };
            using var directHttp = new HttpClient { BaseAddress = direct };
            var pipelines = (await http.GetFromJsonAsync<JsonElement>("/api/pipelines")).EnumerateArray().Select(p => p.GetProperty("name").GetString()!).ToList();
            Assert.Contains("sample-spread", pipelines);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage"],
            });
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (errors) { errors.Add(message.Text); }
                }
            };
            page.PageError += (_, error) =>
            {
                lock (errors) { errors.Add(error); }
            };
            await page.GotoAsync(url.ToString());

            // Each pipeline's sparklines, and a chart of each kind of result, get values.
            string[] wantedPrefixes =
            [
                .. pipelines.Select(p => $"progress/{p}/rate"),
                "spread/sample-spread/second/", "spread/sample-spread/minute/", "anomaly/sample-anomaly", "windows/sample-bitcoin/",
                "trading/sample-trading/rate", "trading/sample-trading/pnl",
            ];
            var charts = await WaitForChartsAsync(page, charts => wantedPrefixes.All(w => charts.Any(c => c.Key.StartsWith(w, StringComparison.Ordinal) && c.Value.Values > 0)), "every chart to get points", service);
            Assert.All(charts, c => Assert.True(c.Value.Points > 0, $"chart {c.Key} has points"));
            lock (errors)
            {
                Assert.True(errors.Count == 0, "console errors: " + string.Join("\n", errors));
            }

            // The trading panel: each desk of /api/trading as a card with its mode, and its decisions once it has some.
            var desk = (await http.GetFromJsonAsync<JsonElement>("/api/trading"))[0];
            var deskName = desk.GetProperty("pipeline").GetString()!;
            var card = $".trading-card[data-pipeline='{deskName}']";
            await page.WaitForSelectorAsync($"{card} table tbody tr", new PageWaitForSelectorOptions { Timeout = (float)Deadline.TotalMilliseconds });
            Assert.StartsWith(desk.GetProperty("mode").GetString()!, await page.InnerTextAsync($"{card} h3 .state"), StringComparison.Ordinal);
            Assert.Contains("paper P&L", await page.InnerTextAsync(card), StringComparison.Ordinal);

            // The SQL box answers as POST /api/sql does.
            const string Query = "SELECT DISTINCT kind FROM spread ORDER BY kind";
            await page.FillAsync("#sql", Query);
            await page.ClickAsync("#sql-run");
            await page.WaitForSelectorAsync("#sql-result table tbody tr", new PageWaitForSelectorOptions { Timeout = (float)Deadline.TotalMilliseconds });
            var shown = await page.EvalOnSelectorAllAsync<string[]>("#sql-result table tbody tr td:first-child", "cells => cells.map(c => c.textContent)");
            using var answer = await http.PostAsJsonAsync("/api/sql", new { sql = Query });
            var expected = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rows").EnumerateArray().Select(r => r[0].GetString()!).ToArray();
            Assert.Equal(new[] { "minute", "second" }, expected);
            Assert.Equal(expected, shown);

            // A screenshot once each result chart has a few points (the per-minute spread: one every 6 s).
            await WaitForChartsAsync(page, charts => charts.Where(c => !c.Key.StartsWith("progress/", StringComparison.Ordinal)).All(c => c.Value.Points >= 3), "three points in each result chart", service);
            await SaveScreenshotAsync(page, work);

            // The network goes away and comes back (same process): the page fills what it missed from the history.
            proxy.Break();
            await WaitForAsync(page, async () => await page.EvaluateAsync<int>("() => window.dashboard.reconnects()") > 0, "the page to see the stream break", service);
            var lastSeen = Sequence(await page.EvaluateAsync<string>("() => window.dashboard.lastId()"));
            for (var until = DateTime.UtcNow + Deadline; DateTime.UtcNow < until; await Task.Delay(250))
            {
                var history = await directHttp.GetFromJsonAsync<JsonElement>("/api/dashboard/history?limit=1");
                if (Sequence(history.GetProperty("last").GetString()!) > lastSeen + 10)
                {
                    break;
                }
            }

            var missedUpTo = Sequence((await directHttp.GetFromJsonAsync<JsonElement>("/api/dashboard/history?limit=1")).GetProperty("last").GetString()!);
            Assert.True(missedUpTo > lastSeen + 10, $"the service went on while the page was cut off ({lastSeen} → {missedUpTo})");
            proxy.Resume();
            await WaitForAsync(page, async () => Sequence(await page.EvaluateAsync<string>("() => window.dashboard.lastId()")) > missedUpTo, "the page to catch up", service);
            Assert.Equal(0, await page.EvaluateAsync<int>("() => window.dashboard.gaps()"));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => window.dashboard.restarts()"));

            // Restart: the same state directory and address, a new process. The page notices and resumes.
            var instance = await page.EvaluateAsync<string>("() => window.dashboard.instance()");
            var before = charts.Where(c => c.Key.StartsWith("spread/sample-spread/second/", StringComparison.Ordinal)).Max(c => c.Value.LastX ?? 0);
            var rateKey = "progress/sample-spread/rate";
            var rateBefore = charts[rateKey].LastX ?? 0;
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
            await service.DisposeAsync();
            service = ServiceProcess.Start(work, null, args);
            proxy.Target = (await service.WaitForUrlAsync(TimeSpan.FromSeconds(60))).Port;
            await WaitForAsync(page, async () => await page.EvaluateAsync<string>("() => window.dashboard.instance()") != instance, "the page to reconnect to the new process", service);
            _ = await WaitForChartsAsync(page, charts =>
                charts.Where(c => c.Key.StartsWith("spread/sample-spread/second/", StringComparison.Ordinal)).Max(c => c.Value.LastX ?? 0) > before
                && charts[rateKey].LastX > rateBefore, "the charts to move on after the restart", service);
            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.dashboard.restarts()"));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => window.dashboard.gaps()"));
            Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await service.DisposeAsync();
        }
    }

    private static long Sequence(string id) => long.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static async Task SaveScreenshotAsync(IPage page, string work)
    {
        var options = new PageScreenshotOptions { FullPage = true, Path = Path.Combine(work, "dashboard.png") };
        await page.ScreenshotAsync(options);
        Assert.True(new FileInfo(options.Path).Length > 10_000, "the screenshot shows something");
        if (Environment.GetEnvironmentVariable(ScreenshotVariable) is { Length: > 0 } target)
        {
            File.Copy(options.Path, target, overwrite: true);
        }
    }

    private sealed record ChartState(int Points, int Values, double? LastX);

    private static async Task<Dictionary<string, ChartState>> WaitForChartsAsync(IPage page, Func<Dictionary<string, ChartState>, bool> done, string what, ServiceProcess service)
    {
        Dictionary<string, ChartState> charts = [];
        await WaitForAsync(page, async () =>
        {
            using var json = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.dashboard.charts())"));
            charts = json.RootElement.EnumerateObject().ToDictionary(
                c => c.Name,
                c => new ChartState(c.Value.GetProperty("points").GetInt32(), c.Value.GetProperty("values").GetInt32(), c.Value.GetProperty("lastX").ValueKind == JsonValueKind.Number ? c.Value.GetProperty("lastX").GetDouble() : null),
                StringComparer.Ordinal);
            return done(charts);
        }, () => $"{what}; charts: {string.Join(", ", charts.Select(c => $"{c.Key}={c.Value}"))}", service);
        return charts;
    }

    private static Task WaitForAsync(IPage page, Func<Task<bool>> condition, string what, ServiceProcess service) =>
        WaitForAsync(page, condition, () => what, service);

    private static async Task WaitForAsync(IPage page, Func<Task<bool>> condition, Func<string> what, ServiceProcess service)
    {
        for (var until = DateTime.UtcNow + Deadline; DateTime.UtcNow < until; await Task.Delay(250))
        {
            if (await condition())
            {
                return;
            }
        }

        var status = await page.EvaluateAsync<string>("() => document.getElementById('status').textContent");
        throw new TimeoutException($"Waited {Deadline} for {what()} (page status: {status}).\n--- service stderr ---\n{service.Stderr}");
    }
}
