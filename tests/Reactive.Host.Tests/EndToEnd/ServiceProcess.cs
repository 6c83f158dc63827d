using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>The built service (reactive.dll) started as a real process, its output captured.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private ServiceProcess(Process process)
    {
        _process = process;
    }

    public string Stdout
    {
        get { lock (_gate) { return _stdout.ToString(); } }
    }

    public string Stderr
    {
        get { lock (_gate) { return _stderr.ToString(); } }
    }

    public int Pid => _process.Id;

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, "reactive.dll");

    public static ServiceProcess Start(string workingDirectory, IDictionary<string, string>? environment, params string[] args) =>
        StartCommand("dotnet", workingDirectory, environment, [ExecutablePath, .. args]);

    /// <summary>Starts <paramref name="command"/> (e.g. the repository's <c>reactive</c> script) the way <see cref="Start"/> starts the built service.</summary>
    public static ServiceProcess StartCommand(string command, string workingDirectory, IDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(command)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_URLS");

        // glibc's arena cap is the service's to set (MallocArenas) unless a test says otherwise.
        info.Environment.Remove("MALLOC_ARENA_MAX");
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(process);
        process.OutputDataReceived += (_, e) => service.Append(service._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => service.Append(service._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    public static string NewWorkingDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "reactive-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The address Kestrel bound (from "Now listening on: …" on standard error).</summary>
    public async Task<Uri> WaitForUrlAsync(TimeSpan timeout)
    {
        await WaitForStderrAsync("Now listening on: ", timeout);
        return TryGetUrl()!;
    }

    /// <summary>The address Kestrel bound, or null while it has not said yet.</summary>
    public Uri? TryGetUrl()
    {
        var line = Stderr.Split('\n').FirstOrDefault(l => l.Contains("Now listening on: ", StringComparison.Ordinal));
        return line is null ? null : new Uri(line[(line.IndexOf("http", StringComparison.Ordinal))..].Trim());
    }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until standard output satisfies <paramref name="condition"/>, or fails with both streams shown.</summary>
    public async Task WaitForStdoutAsync(Func<string, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition(Stdout))
            {
                return;
            }

            if (_process.HasExited)
            {
                await Task.Delay(100);
                if (condition(Stdout))
                {
                    return;
                }

                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Waited {timeout} for {what}.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
    }

    /// <summary>
    /// Polls pipeline <paramref name="pipeline"/>'s progress (<c>GET /api/pipelines/NAME</c>) until its state is
    /// <c>Stopped</c>, and returns it; fails with the service's log when it is not within <paramref name="timeout"/>.
    /// </summary>
    public async Task<JsonElement> WaitForPipelineStoppedAsync(HttpClient http, string pipeline, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var progress = await http.GetFromJsonAsync<JsonElement>($"/api/pipelines/{pipeline}");
            if (progress.GetProperty("state").GetString() == "Stopped")
            {
                return progress;
            }

            Assert.True(DateTime.UtcNow < deadline, $"waited {timeout} for pipeline {pipeline} to stop: {progress}\n--- stderr ---\n{Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Polls <c>/api/tables</c> until each of <paramref name="tables"/> has rows or <paramref name="timeout"/> has passed;
    /// returns every table's row count as last read (the caller asserts).
    /// </summary>
    public static async Task<Dictionary<string, long>> WaitForTableRowsAsync(HttpClient http, IReadOnlyCollection<string> tables, TimeSpan timeout)
    {
        Dictionary<string, long> rows = [];
        for (var deadline = DateTime.UtcNow + timeout; DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            var answer = await http.GetFromJsonAsync<JsonElement>("/api/tables");
            rows = answer.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("rows").GetInt64());
            if (tables.All(t => rows.GetValueOrDefault(t) > 0))
            {
                break;
            }
        }

        return rows;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails naming <paramref name="what"/>.</summary>
    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {timeout} for {what}");
            await Task.Delay(50);
        }
    }

    public async Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !Stderr.Contains(text, StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }

        if (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            throw new TimeoutException($"Waited {timeout} for '{text}' on stderr.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
        }
    }

    /// <summary>Waits for the process to exit by itself; returns its exit code.</summary>
    /// <summary>Writes <paramref name="bytes"/> to the process's standard input, then closes it (end of input).</summary>
    public async Task WriteStandardInputAndCloseAsync(byte[] bytes)
    {
        await _process.StandardInput.BaseStream.WriteAsync(bytes);
        _process.StandardInput.Close();
    }

    /// <summary>Writes <paramref name="bytes"/> to the process's standard input and flushes, leaving it open.</summary>
    public async Task WriteStandardInputAsync(byte[] bytes)
    {
        await _process.StandardInput.BaseStream.WriteAsync(bytes);
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>Sends a signal (<c>TERM</c>, <c>KILL</c>, …) without waiting.</summary>
    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The service did not exit within {timeout}.\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (what Docker and systemd send) and waits for the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }

        return await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
        }
    }
}
