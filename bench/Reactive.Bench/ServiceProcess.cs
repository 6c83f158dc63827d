using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Reactive.Bench;

/// <summary>
/// The real service for <c>--live</c>: the Release <c>reactive</c> built from src/Reactive.Host, started as a process on a
/// free HTTP port with a pipeline <c>live</c> (kind spread, socket source on the bench's feed) added on its command line.
/// Its logs (standard error) go to a file; its standard output is handed to the caller. Stopped by its PID.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http;

    private ServiceProcess(Process process, int httpPort, string workDir)
    {
        _process = process;
        HttpPort = httpPort;
        WorkDir = workDir;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Pid => _process.Id;

    public int HttpPort { get; }

    public string WorkDir { get; }

    public Stream Output => _process.StandardOutput.BaseStream;

    public HttpClient Http => _http;

    /// <summary>
    /// Starts the service. <paramref name="onlyLive"/>: <c>--pipelines live</c> (nothing else runs); else the embedded default
    /// pipelines run beside it. <paramref name="console"/>: the live pipeline writes each result to standard output as a
    /// JSON line (before its table); a table sink <c>live_spread</c> always.
    /// </summary>
    /// <param name="feedPort">The bench's feed.</param>
    /// <param name="onlyLive">Whether only the live pipeline runs.</param>
    /// <param name="console">Whether results go to standard output too.</param>
    /// <param name="emitQuotes">The spread pipeline's <c>EmitQuotes</c>: a row per quote besides the windows.</param>
    public static ServiceProcess Start(int feedPort, bool onlyLive, bool console, bool emitQuotes = true, bool table = true)
    {
        var root = RepositoryRoot();
        var exe = Path.Combine(root, "src", "Reactive.Host", "bin", "Release", "net10.0", "reactive");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"{exe} is missing: build with `dotnet build -c Release bench/Reactive.Bench` (it builds the host too)");
        }

        var workDir = Directory.CreateTempSubdirectory("reactive-live-").FullName;
        var httpPort = FreePort();
        var start = new ProcessStartInfo(exe)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var args = new List<string> { "--urls", $"http://127.0.0.1:{httpPort}" };
        if (onlyLive)
        {
            args.AddRange(["--pipelines", "live"]);
        }

        void Set(string key, string value) => args.AddRange([$"--Pipelines:live:{key}", value]);
        Set("Kind", "spread");
        Set("Source:Kind", "socket");
        Set("Source:Host", "127.0.0.1");
        Set("Source:Port", feedPort.ToString(CultureInfo.InvariantCulture));
        Set("Options:TimeZone", "UTC");
        Set("Options:EmitQuotes", emitQuotes ? "true" : "false");
        Set("Options:WatermarkDelay", "0 seconds");
        var sink = 0;
        if (console)
        {
            Set($"Sinks:{sink++}:Kind", "console");
        }

        if (table)
        {
            Set($"Sinks:{sink}:Kind", "table");
            Set($"Sinks:{sink}:Table", "live_spread");
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the service did not start");
        var log = File.Create(Path.Combine(workDir, "service.log"));
        _ = process.StandardError.BaseStream.CopyToAsync(log).ContinueWith(_ => log.Dispose(), TaskScheduler.Default);
        return new ServiceProcess(process, httpPort, workDir);
    }

    /// <summary>The live pipeline's progress (<c>GET /api/pipelines/live</c>).</summary>
    public async Task<JsonElement> ProgressAsync()
    {
        var text = await _http.GetStringAsync("api/pipelines/live").ConfigureAwait(false);
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>The sum over all label sets of the Prometheus series whose name is <paramref name="name"/>; NaN when absent.</summary>
    public static double Metric(string metrics, string name)
    {
        double sum = 0;
        var found = false;
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && (line[name.Length] == ' ' || line[name.Length] == '{'))
            {
                var value = line[(line.LastIndexOf(' ') + 1)..];
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                {
                    sum += v;
                    found = true;
                }
            }
        }

        return found ? sum : double.NaN;
    }

    /// <summary>A field of <c>/proc/PID/status</c> (e.g. <c>VmRSS</c> in kB, <c>Threads</c>).</summary>
    public long Status(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    /// <summary>User + system CPU time of the process so far, in seconds (<c>/proc/PID/stat</c>).</summary>
    public double CpuSeconds()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines of the service's log.</summary>
    public string LogTail() => string.Join('\n', File.ReadLines(Path.Combine(WorkDir, "service.log")).TakeLast(20));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit(10_000);
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // Left in the temp directory.
        }
    }

    /// <summary>The one-minute load average (<c>/proc/loadavg</c>).</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The repository root: the folder above the running bench that holds Reactive.slnx.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reactive.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Reactive.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
