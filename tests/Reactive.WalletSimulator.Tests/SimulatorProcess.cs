using System.Diagnostics;
using System.Text;

namespace Reactive.WalletSimulator.Tests;

/// <summary>The built simulator (Reactive.WalletSimulator.dll, beside the tests) started as a real process, its output captured.</summary>
internal sealed class SimulatorProcess : IAsyncDisposable
{
    private const string Listening = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SimulatorProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Standard output and standard error, interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public static SimulatorProcess Start(string workingDirectory, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Reactive.WalletSimulator.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("ASPNETCORE_URLS");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var simulator = new SimulatorProcess(process);
        process.OutputDataReceived += (_, e) => simulator.Append(e.Data);
        process.ErrorDataReceived += (_, e) => simulator.Append(e.Data);
        process.Exited += (_, _) => simulator._url.TrySetException(new InvalidOperationException($"the simulator exited before listening:\n{simulator.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return simulator;
    }

    /// <summary>The address Kestrel bound, from its "Now listening on: …" line.</summary>
    public async Task<Uri> WaitForUrlAsync(TimeSpan timeout)
    {
        try
        {
            return await _url.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the simulator did not listen within {timeout}:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.Append(line).Append('\n');
        }

        var at = line.IndexOf(Listening, StringComparison.Ordinal);
        if (at >= 0)
        {
            _url.TrySetResult(new Uri(line[(at + Listening.Length)..].Trim()));
        }
    }
}
