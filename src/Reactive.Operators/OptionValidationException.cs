namespace Reactive.Operators;

/// <summary>
/// An operator option is invalid, alone or with another one. Thrown by the options' <c>Validate()</c>;
/// <see cref="OptionName"/> names the property, so a host maps it to its own configuration key with a table
/// instead of reading the message.
/// </summary>
public sealed class OptionValidationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public OptionValidationException()
        : this(string.Empty, "An option is invalid.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to change.</param>
    public OptionValidationException(string message)
        : this(string.Empty, message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to change.</param>
    /// <param name="innerException">The cause.</param>
    public OptionValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        OptionName = string.Empty;
    }

    /// <summary>Creates the exception for one option.</summary>
    /// <param name="optionName">The options property, e.g. <c>Lookback</c> (also the <see cref="ArgumentException.ParamName"/>).</param>
    /// <param name="message">What is wrong and what to change.</param>
    public OptionValidationException(string optionName, string message)
        : base(message, optionName)
    {
        OptionName = optionName;
    }

    /// <summary>The name of the options property that is invalid (for a combination, the one to change).</summary>
    public string OptionName { get; }
}
