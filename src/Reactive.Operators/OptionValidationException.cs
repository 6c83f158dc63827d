namespace Reactive.Operators;

/// <summary>An options object that cannot run: <see cref="OptionName"/> names the property at fault.</summary>
public sealed class OptionValidationException : ArgumentException
{
    /// <summary>Creates the exception for the property <paramref name="optionName"/>.</summary>
    public OptionValidationException(string optionName, string message)
        : base(message, optionName)
    {
        OptionName = optionName;
    }

    /// <summary>The options property at fault (e.g. <c>Lookback</c>), for a host to name its own key for it.</summary>
    public string OptionName { get; }
}
