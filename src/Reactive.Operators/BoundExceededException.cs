namespace Reactive.Operators;

/// <summary>
/// An operator reached one of its configured bounds (a baseline, a number of open windows, pending quotes): it stops
/// with this error rather than grow without limit or drop data silently. <see cref="OptionName"/> names the bound.
/// </summary>
public sealed class BoundExceededException : InvalidOperationException
{
    /// <summary>Creates the exception for the bound <paramref name="optionsType"/>.<paramref name="optionName"/>.</summary>
    public BoundExceededException(string optionsType, string optionName, string message)
        : base(message)
    {
        OptionsType = optionsType;
        OptionName = optionName;
    }

    /// <summary>The options type that holds the bound (e.g. <c>AnomalyOptions</c>).</summary>
    public string OptionsType { get; }

    /// <summary>The bound's property (e.g. <c>MaxBaselineSize</c>), for a host to name its own setting for it.</summary>
    public string OptionName { get; }
}
