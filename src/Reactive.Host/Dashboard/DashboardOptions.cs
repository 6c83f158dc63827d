using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.Dashboard;

/// <summary>Options of the dashboard's live feed (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>How often one chart may be updated: its new points are sent together at most once per interval.</summary>
    /// <value>The default value is 250 milliseconds (at most four updates a second per chart).</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How often each pipeline's progress is sampled for the sparklines.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The events kept for <c>GET /api/dashboard/history</c> and for a reconnecting stream; older ones are dropped.</summary>
    /// <value>The default value is 5,000.</value>
    [Range(10, 1_000_000)]
    public int HistoryEvents { get; set; } = 5_000;

    /// <summary>
    /// The memory the kept events' text may take at most (two bytes a character), whichever of this and
    /// <see cref="HistoryEvents"/> is reached first: an event's size depends on its points, so a count alone does not bound
    /// the memory (5,000 events of 500 points each would be about 200 MB). The oldest events are dropped first; the newest
    /// one is always kept.
    /// </summary>
    /// <value>The default value is 4 MiB (4,194,304): about 2,800 events of the soak's mix, five minutes of it.</value>
    [Range(65_536, 1L << 32)]
    public long HistoryBytes { get; set; } = 4L << 20;

    /// <summary>The points one chart update carries at most: a chart that got more within one interval sends its newest ones and says how many it left out.</summary>
    /// <value>The default value is 500.</value>
    [Range(1, 100_000)]
    public int MaxPointsPerUpdate { get; set; } = 500;

    /// <summary>The charts one pipeline may have (one per symbol of a spread, per group of an aggregate); rows of further symbols or groups are not charted.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 1_000)]
    public int MaxChartsPerPipeline { get; set; } = 8;

    /// <summary>The events waiting to be written to one open stream; a client that falls this far behind is disconnected and resumes from the history.</summary>
    /// <value>The default value is 1,000.</value>
    [Range(1, 1_000_000)]
    public int StreamQueue { get; set; } = 1_000;
}
