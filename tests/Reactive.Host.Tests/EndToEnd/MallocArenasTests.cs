using System.Globalization;
using Reactive.Host.Cli;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// glibc's malloc arenas (<see cref="MallocArenas"/>): with <c>MALLOC_ARENA_MAX=2</c> in its environment the service, on
/// its embedded defaults with SQLite busy on the pool's threads, holds fewer arenas than with glibc's default, and its
/// start-up log says which applies; the image sets the variable. The arenas are counted in <c>/proc/PID/maps</c>: glibc
/// reserves each thread arena as one 64-MiB-aligned block of 64 MiB (read-write, then the rest reserved without access).
/// </summary>
public sealed class MallocArenasTests
{
    private const long ArenaBytes = 64L << 20;

    [Fact]
    public async Task Service_WithTheCapInItsEnvironment_HoldsFewerArenas_AndSaysWhichApplies()
    {
        var (capped, cappedLog) = await ArenasAfterTablesFillAsync(new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" });
        var (glibc, glibcLog) = await ArenasAfterTablesFillAsync(null);

        Assert.Contains("Native memory: malloc arenas MALLOC_ARENA_MAX=2 from the environment", cappedLog, StringComparison.Ordinal);
        Assert.Contains("Native memory: malloc arenas glibc's default, up to 8 per core (MALLOC_ARENA_MAX unset;", glibcLog, StringComparison.Ordinal);

        // Measured on two cores: 1 against 15.
        Assert.True(glibc > MallocArenas.Recommended, $"{glibc} thread arenas with glibc's default: the count would prove nothing\n{glibcLog}");
        Assert.True(capped < MallocArenas.Recommended, $"{capped} thread arenas with MALLOC_ARENA_MAX=2 (at most 1 beside the main one), {glibc} without");
    }

    [Fact]
    public void Image_SetsTheCap()
    {
        var (stages, _) = ComposeFile.Dockerfile();
        var env = string.Join(' ', stages["reactive"].Where(i => i.StartsWith("ENV ", StringComparison.Ordinal)));
        Assert.Contains($"MALLOC_ARENA_MAX={MallocArenas.Recommended}", env, StringComparison.Ordinal);
    }

    // Starts the service on its defaults, waits until every sample table has rows (the tables' writers and the
    // service's own readers have run SQLite on pool threads), and counts the process's thread arenas.
    private static async Task<(int Arenas, string Log)> ArenasAfterTablesFillAsync(IDictionary<string, string>? environment)
    {
        await using var service = ServiceProcess.Start(ServiceProcess.NewWorkingDirectory(), environment, "--urls", "http://127.0.0.1:0");
        var url = await service.WaitForUrlAsync(TimeSpan.FromSeconds(30));
        using var http = new HttpClient { BaseAddress = url };
        var wanted = new[] { "anomalies", "bitcoin_window", "spread" };
        var rows = await ServiceProcess.WaitForTableRowsAsync(http, wanted, TimeSpan.FromSeconds(60));
        Assert.All(wanted, w => Assert.True(rows.GetValueOrDefault(w) > 0, $"table {w} has rows ({string.Join(", ", rows)})\n{service.Stderr}"));
        var arenas = CountArenas(File.ReadAllLines($"/proc/{service.Pid}/maps"));
        Assert.Equal(0, await service.TerminateAsync(TimeSpan.FromSeconds(10)));
        return (arenas, service.Stdout + service.Stderr);
    }

    // Anonymous mappings that start on a 64-MiB boundary and, with the anonymous mappings right after them, span exactly
    // 64 MiB: glibc's heaps for thread arenas (the main arena grows with brk and is not one of them).
    private static int CountArenas(string[] maps)
    {
        var regions = maps.Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(parts =>
            {
                var range = parts[0].Split('-');
                return (Start: long.Parse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    End: long.Parse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    Anonymous: parts.Length < 6,
                    Writable: parts[1].StartsWith("rw", StringComparison.Ordinal));
            })
            .ToList();
        var count = 0;
        for (var i = 0; i < regions.Count; i++)
        {
            var (start, end, anonymous, writable) = regions[i];
            if (!anonymous || !writable || start % ArenaBytes != 0)
            {
                continue;
            }

            for (var j = i + 1; j < regions.Count && regions[j].Start == end && regions[j].Anonymous && end - start < ArenaBytes; j++)
            {
                end = regions[j].End;
            }

            if (end - start == ArenaBytes)
            {
                count++;
            }
        }

        return count;
    }
}
