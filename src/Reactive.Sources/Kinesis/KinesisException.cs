using System.Net;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// A Kinesis call failed. <see cref="Code"/> says why, <see cref="IsRetryable"/> whether trying again
/// after a pause may help. The message never holds a secret key, a session token or a signature: the
/// server's text is cleaned of them before it is kept.
/// </summary>
public sealed class KinesisException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">The API operation that failed, such as <c>GetRecords</c>.</param>
    /// <param name="code">Why it failed.</param>
    /// <param name="errorType">The server's error type, if it gave one.</param>
    /// <param name="statusCode">The HTTP status, if a response came.</param>
    /// <param name="serverMessage">The server's explanation, already cleaned of secrets.</param>
    /// <param name="requestId">The server's request id, for support.</param>
    /// <param name="innerException">The transport failure, if any.</param>
    public KinesisException(
        string operation,
        KinesisErrorCode code,
        string? errorType,
        HttpStatusCode? statusCode,
        string? serverMessage,
        string? requestId,
        Exception? innerException = null)
        : base(Describe(operation, code, errorType, statusCode, serverMessage, requestId), innerException)
    {
        Operation = operation;
        Code = code;
        ErrorType = errorType;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        RequestId = requestId;
    }

    /// <summary>The API operation that failed, such as <c>GetRecords</c>.</summary>
    public string Operation { get; }

    /// <summary>Why it failed.</summary>
    public KinesisErrorCode Code { get; }

    /// <summary>The server's error type without namespace, such as <c>ResourceNotFoundException</c>, if it gave one.</summary>
    public string? ErrorType { get; }

    /// <summary>The HTTP status, if a response came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The server's explanation, cleaned of secrets.</summary>
    public string? ServerMessage { get; }

    /// <summary>The server's request id (<c>x-amzn-RequestId</c>), if any.</summary>
    public string? RequestId { get; }

    /// <summary>Whether the call may succeed when tried again after a pause (throttling, limits, server faults, network, timeout).</summary>
    public bool IsRetryable => KinesisErrors.IsRetryable(Code);

    /// <summary>Whether the failure is about the credentials, signature or permissions (fatal until the configuration changes).</summary>
    public bool IsAuthenticationFailure => KinesisErrors.IsAuthentication(Code);

    private static string Describe(string operation, KinesisErrorCode code, string? errorType, HttpStatusCode? statusCode, string? serverMessage, string? requestId)
    {
        var what = errorType is null || errorType == code.ToString() ? code.ToString() : $"{code} ({errorType})";
        var status = statusCode is { } s ? $", HTTP {(int)s}" : string.Empty;
        var message = string.IsNullOrWhiteSpace(serverMessage) ? string.Empty : $": {serverMessage}";
        var request = requestId is null ? string.Empty : $" [request {requestId}]";
        return $"Kinesis {operation} failed with {what}{status}{message}{request}";
    }
}
