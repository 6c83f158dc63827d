namespace Reactive.Testing;

/// <summary>The default error sent by <c>#</c> in a marble string when no exception is given.</summary>
public sealed class MarbleException : Exception
{
    /// <summary>The message of the default marble error.</summary>
    public const string DefaultMessage = "marble error";

    /// <summary>Creates the default marble error.</summary>
    public MarbleException()
        : base(DefaultMessage)
    {
    }

    /// <summary>Creates a marble error with a message.</summary>
    /// <param name="message">The error message.</param>
    public MarbleException(string message)
        : base(message)
    {
    }

    /// <summary>Creates a marble error with a message and an inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The cause.</param>
    public MarbleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
