namespace Reactive.Host.Tables;

/// <summary>What a table's writer does when its queue is full.</summary>
public enum TableFullPolicy
{
    /// <summary>The writer waits for room (back-pressure on the pipeline); the time waited is measured.</summary>
    Wait,

    /// <summary>The row is dropped and counted, with a warning at a bounded rate.</summary>
    Drop,
}

/// <summary>The bounded queue between a pipeline and one table's writer.</summary>
/// <param name="Capacity">Writes the queue holds (a row, or a whole result table of <see cref="ITableSink.ReplaceAll"/>).</param>
/// <param name="WhenFull">What a write does when the queue is full.</param>
public sealed record TableQueueOptions(
    int Capacity = TableQueueOptions.DefaultCapacity,
    TableFullPolicy WhenFull = TableFullPolicy.Wait)
{
    /// <summary>The default capacity, 10,000 writes.</summary>
    public const int DefaultCapacity = 10_000;
}
