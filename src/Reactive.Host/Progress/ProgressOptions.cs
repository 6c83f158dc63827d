using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.Progress;

/// <summary>Options of the progress report (configuration section <c>Progress</c>).</summary>
public sealed class ProgressOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Progress";

    /// <summary>How often each pipeline's progress is logged.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the rates are sampled.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The window over which input and processed rows per second are computed.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RateWindow { get; set; } = TimeSpan.FromSeconds(10);
}
