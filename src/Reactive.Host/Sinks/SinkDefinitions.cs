using Reactive.Host.FileSinks;

namespace Reactive.Host.Sinks;

/// <summary>Where a pipeline's results go (<c>Pipelines:&lt;name&gt;:Sinks:&lt;i&gt;</c>).</summary>
internal abstract record SinkDefinition(string Kind);

/// <summary>Standard output: pprint batches for word count and file rows, JSON lines for analytics.</summary>
/// <param name="Rows">The records a pprint batch shows. The default is 10, as Spark's <c>pprint()</c>.</param>
internal sealed record ConsoleSinkDefinition(int Rows = 10) : SinkDefinition("console");

/// <summary>A memory table queryable with SQL: <c>{ "Kind": "table", "Table": "spread", "MaxRows": 100000 }</c>.</summary>
internal sealed record TableSinkDefinition(string Table, int? MaxRows) : SinkDefinition("table");

/// <summary>Rolling JSON lines or CSV files, one series per pipeline.</summary>
internal sealed record FileSinkDefinition(FileSinkFormat Format) : SinkDefinition("file");

/// <summary>Checks of sink settings shared by the configuration and the kinds that name their own table.</summary>
internal static class SinkNames
{
    /// <summary>Why <paramref name="name"/> cannot name a table, or null when it can.</summary>
    public static string? TableNameError(string name)
    {
        try
        {
            Tables.TableSchema.ValidateName(name, "table");
            return null;
        }
        catch (ArgumentException ex)
        {
            return Settings.SettingsTable<object>.MessageOf(ex);
        }
    }
}
