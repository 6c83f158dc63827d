namespace Reactive.Sources.Kinesis;

/// <summary>
/// Why a Kinesis call failed: the error types of the Kinesis API (the <c>__type</c> of the error
/// body, without its namespace) and the failures around it (network, timeout, credentials).
/// </summary>
public enum KinesisErrorCode
{
    /// <summary>No error (a stored PutRecords entry).</summary>
    None,

    /// <summary>An error type this client does not know; <see cref="KinesisException.ErrorType"/> has its name.</summary>
    Unknown,

    /// <summary>The stream or shard does not exist (or is not active yet).</summary>
    ResourceNotFound,

    /// <summary>The stream is busy (being created, resharded or deleted), or already exists.</summary>
    ResourceInUse,

    /// <summary>A shard's read or write throughput was exceeded: back off and retry (retryable).</summary>
    ProvisionedThroughputExceeded,

    /// <summary>A request rate or an account limit was exceeded, such as shards per account or ListShards per second (retryable).</summary>
    LimitExceeded,

    /// <summary>The shard iterator is older than 5 minutes: get a new one from the last sequence number read.</summary>
    ExpiredIterator,

    /// <summary>The ListShards pagination token expired: start listing again.</summary>
    ExpiredNextToken,

    /// <summary>An argument is invalid for the stream's state (a sequence number of another shard, a bad iterator).</summary>
    InvalidArgument,

    /// <summary>An argument breaks the API's constraints (length, pattern, range).</summary>
    Validation,

    /// <summary>The request body could not be read by the server.</summary>
    Serialization,

    /// <summary>The credentials are not allowed to do this (IAM).</summary>
    AccessDenied,

    /// <summary>The access key id is not known to AWS.</summary>
    UnrecognizedClient,

    /// <summary>The signature does not match (wrong secret key, or a clock far off).</summary>
    InvalidSignature,

    /// <summary>The request's signature is incomplete.</summary>
    IncompleteSignature,

    /// <summary>The request was not signed.</summary>
    MissingAuthenticationToken,

    /// <summary>The session token has expired: renew the temporary credentials.</summary>
    ExpiredToken,

    /// <summary>The API's request rate was exceeded (retryable).</summary>
    Throttling,

    /// <summary>The KMS key of an encrypted stream was throttled (retryable).</summary>
    KmsThrottling,

    /// <summary>The KMS key of an encrypted stream is disabled, missing, not allowed or not ready.</summary>
    Kms,

    /// <summary>The operation is not known to the server.</summary>
    UnknownOperation,

    /// <summary>The request is larger than the server accepts.</summary>
    RequestTooLarge,

    /// <summary>The service failed internally (retryable).</summary>
    InternalFailure,

    /// <summary>The service is unavailable (retryable).</summary>
    ServiceUnavailable,

    /// <summary>The server answered with a body this client could not read.</summary>
    InvalidResponse,

    /// <summary>The server could not be reached or the connection broke (retryable).</summary>
    Network,

    /// <summary>The request took longer than <see cref="KinesisOptions.RequestTimeout"/> (retryable).</summary>
    Timeout,

    /// <summary>No credentials were configured and AWS's default chain found none.</summary>
    CredentialsUnavailable,
}
