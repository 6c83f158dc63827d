namespace Reactive.Testing;

/// <summary>
/// Thrown by the kit's assertions when recorded notifications or subscriptions differ from the expected ones.
/// The message lists both sides with their times and marks the first difference.
/// </summary>
public sealed class MarbleAssertException : Exception
{
    /// <summary>Creates an assertion failure without a message.</summary>
    public MarbleAssertException()
    {
    }

    /// <summary>Creates an assertion failure.</summary>
    /// <param name="message">The readable difference.</param>
    public MarbleAssertException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an assertion failure with an inner exception.</summary>
    /// <param name="message">The readable difference.</param>
    /// <param name="innerException">The cause.</param>
    public MarbleAssertException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
