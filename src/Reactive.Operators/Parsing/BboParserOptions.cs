namespace Reactive.Operators.Parsing;

/// <summary>Options of <see cref="BboParser"/>.</summary>
public sealed class BboParserOptions
{
    /// <summary>The IANA id of New York's zone, where the course's quotes were recorded.</summary>
    public const string DefaultTimeZoneId = "America/New_York";

    /// <summary>The zone the file's dates and times are in (the file has no zone).</summary>
    /// <value>The default value is America/New_York.</value>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.FindSystemTimeZoneById(DefaultTimeZoneId);

    /// <summary>The source name written into dead letters.</summary>
    /// <value>The default value is <c>bbo</c>.</value>
    public string SourceName { get; set; } = "bbo";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(TimeZone, nameof(TimeZone));
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceName, nameof(SourceName));
    }
}
