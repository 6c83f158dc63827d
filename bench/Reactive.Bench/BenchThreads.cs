using System.Globalization;
using System.Runtime.InteropServices;

namespace Reactive.Bench;

/// <summary>
/// The bench's own threads on Linux: their id, their CPU time (to report what the load generator and the reader took
/// from the two cores the service runs on) and their nice value (<c>--bench-nice</c>: the feed and the reader yield the
/// cores to the service, as a feed on another machine would; their delays still count in the corrected latency).
/// </summary>
internal static partial class BenchThreads
{
    private const int SysGettid = 186;
    private const int PrioProcess = 0;

    /// <summary>The calling thread's kernel id.</summary>
    public static int CurrentId() => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64 ? (int)Syscall(SysGettid) : 0;

    /// <summary>Sets the calling thread's nice value (0 = normal, 19 = the lowest); nothing off Linux x64.</summary>
    public static void SetNice(int nice)
    {
        var tid = CurrentId();
        if (tid != 0 && nice != 0 && SetPriority(PrioProcess, tid, nice) != 0)
        {
            Console.Error.WriteLine($"  setpriority({tid}, {nice}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Thread <paramref name="tid"/>'s CPU time so far (user + system), in seconds; 0 when unknown.</summary>
    public static double CpuSeconds(int tid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/self/task/{tid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    [ThreadStatic]
    private static bool _fineTimerSlack;

    /// <summary>Sleeps the calling thread <paramref name="nanoseconds"/> (Linux: <c>nanosleep</c>, the thread's timer slack set to 1 µs first).</summary>
    public static unsafe void SleepNanoseconds(long nanoseconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanoseconds / 100)));
            return;
        }

        if (!_fineTimerSlack)
        {
            _ = Prctl(PrSetTimerSlack, 1_000, 0, 0, 0);
            _fineTimerSlack = true;
        }

        var time = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
        _ = NanoSleep(&time, null);
    }

    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static unsafe partial int NanoSleep(Timespec* request, Timespec* remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, long arg2, long arg3, long arg4, long arg5);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number);

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int prio);
}
