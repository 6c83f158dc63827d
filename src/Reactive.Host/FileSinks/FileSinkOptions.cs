using System.ComponentModel.DataAnnotations;

namespace Reactive.Host.FileSinks;

/// <summary>The line format of a file sink.</summary>
public enum FileSinkFormat
{
    /// <summary>One JSON object per line (<c>.jsonl</c>); a window is an object <c>{"start":…,"end":…}</c> as in Spark's JSON sink.</summary>
    JsonLines,

    /// <summary>RFC 4180 CSV with a header line in each file (<c>.csv</c>); a window is two columns <c>window_start</c>, <c>window_end</c>.</summary>
    Csv,
}

/// <summary>Options of the file sinks (configuration section <c>FileSinks</c>).</summary>
public sealed class FileSinkOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "FileSinks";

    /// <summary>The folder of the files.</summary>
    /// <value>The default value is <c>output</c>.</value>
    [Required]
    public string Directory { get; set; } = "output";

    /// <summary>The default line format.</summary>
    /// <value>The default value is <see cref="FileSinkFormat.JsonLines"/>.</value>
    public FileSinkFormat Format { get; set; } = FileSinkFormat.JsonLines;

    /// <summary>A file is closed and a new one started before it grows past this size.</summary>
    /// <value>The default value is 64 MiB.</value>
    [Range(1024, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A file is closed and a new one started when it is this old; zero never rolls by time.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan RollInterval { get; set; } = TimeSpan.FromHours(1);
}
