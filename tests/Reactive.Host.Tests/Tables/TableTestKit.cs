using Microsoft.Extensions.Options;
using Reactive.Host.Sql;
using Reactive.Host.Tables;

namespace Reactive.Host.Tests.Tables;

internal static class TableTestKit
{
    public static MemoryTableStore NewStore(int maxRows = 100_000) =>
        new(Options.Create(new TablesOptions { MaxRowsPerTable = maxRows }));

    public static SqlQueryService NewSql(MemoryTableStore store, TimeSpan? timeLimit = null, int maxRows = 10_000) =>
        new(store, Options.Create(new SqlOptions { TimeLimit = timeLimit ?? TimeSpan.FromSeconds(5), MaxRows = maxRows }));

    public static TableRow Row(params object?[] values) => new(values);

    public static DateTimeOffset At(int hour, int minute) => new(2021, 3, 1, hour, minute, 0, TimeSpan.Zero);

    /// <summary>Runs a query and returns its rows as lists, for easy comparison.</summary>
    public static async Task<List<List<object?>>> QueryAsync(SqlQueryService sql, string query)
    {
        var result = await sql.ExecuteAsync(query);
        return [.. result.Rows.Select(r => r.ToList())];
    }
}

/// <summary>Holds every table writer of a store before its next batch until <see cref="Open"/> (rows stay queued).</summary>
internal sealed class HeldWriter
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HeldWriter(MemoryTableStore store) => store.BeforeBatch = ct => new ValueTask(_open.Task.WaitAsync(ct));

    public void Open() => _open.TrySetResult();
}
