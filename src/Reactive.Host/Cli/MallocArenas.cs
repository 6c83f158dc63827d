namespace Reactive.Host.Cli;

/// <summary>
/// glibc's malloc arenas, as the service's start-up log reports them. glibc gives each thread that allocates native memory
/// an arena of its own, up to eight per core (15 thread arenas counted in a service on its defaults on two cores): SQLite
/// runs on the thread pool's threads (the tables' writers and readers), memory freed in one arena is not reused by
/// another, and over hours the service's resident memory grew in these heaps while SQLite's own use stayed flat. With
/// <c>MALLOC_ARENA_MAX=2</c> in the environment, two pairs of 20-minute soaks side by side at 50 k quotes/s grew +17.6 and
/// +16.6 MB after their first minute against +33.6 and +43.9 MB, the same CPU and latency (bench/Reactive.Bench/README.md).
/// The image and the <c>reactive</c> script set it (an operator's own value wins).
/// </summary>
/// <remarks>
/// Only the environment does it: glibc reads the variable at the process's first allocation. The same cap set from
/// <c>Main</c> (<c>mallopt(M_ARENA_MAX, 2)</c>, tried) comes after the runtime's first threads hold arenas of their own —
/// 6 thread arenas instead of 15 — and a soak pair showed no gain (+33.5 against +35.0 MB), so the service does not.
/// </remarks>
internal static class MallocArenas
{
    /// <summary>The cap the image and the script set.</summary>
    public const int Recommended = 2;

    /// <summary>The environment variable glibc reads.</summary>
    public const string Variable = "MALLOC_ARENA_MAX";

    /// <summary>The start-up log's words for <paramref name="value"/>, the variable's value (null: not set).</summary>
    public static string Describe(string? value) => value is null
        ? $"glibc's default, up to 8 per core ({Variable} unset; {Recommended} keeps resident memory flatter: docs/DEPLOYMENT.md, \"Memory over weeks\")"
        : $"{Variable}={value} from the environment";
}
