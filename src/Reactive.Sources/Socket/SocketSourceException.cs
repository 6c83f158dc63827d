namespace Reactive.Sources.Socket;

/// <summary>A socket source gave up: it could not connect within its retry budget.</summary>
public sealed class SocketSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SocketSourceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SocketSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the last connection error.</summary>
    public SocketSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The <c>host:port</c> the source tried to reach.</summary>
    public string Origin { get; init; } = string.Empty;

    /// <summary>Connection attempts made in a row without success.</summary>
    public int Attempts { get; init; }
}
