using System.Net;

namespace Reactive.Sources.Kinesis;

/// <summary>Maps the error types and HTTP statuses of the Kinesis API to <see cref="KinesisErrorCode"/>.</summary>
internal static class KinesisErrors
{
    private static readonly Dictionary<string, KinesisErrorCode> ByType = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ResourceNotFoundException"] = KinesisErrorCode.ResourceNotFound,
        ["ResourceInUseException"] = KinesisErrorCode.ResourceInUse,
        ["ProvisionedThroughputExceededException"] = KinesisErrorCode.ProvisionedThroughputExceeded,
        ["LimitExceededException"] = KinesisErrorCode.LimitExceeded,
        ["ExpiredIteratorException"] = KinesisErrorCode.ExpiredIterator,
        ["ExpiredNextTokenException"] = KinesisErrorCode.ExpiredNextToken,
        ["InvalidArgumentException"] = KinesisErrorCode.InvalidArgument,
        ["ValidationException"] = KinesisErrorCode.Validation,
        ["SerializationException"] = KinesisErrorCode.Serialization,
        ["AccessDeniedException"] = KinesisErrorCode.AccessDenied,
        ["UnrecognizedClientException"] = KinesisErrorCode.UnrecognizedClient,
        ["InvalidSignatureException"] = KinesisErrorCode.InvalidSignature,
        ["SignatureDoesNotMatch"] = KinesisErrorCode.InvalidSignature,
        ["IncompleteSignatureException"] = KinesisErrorCode.IncompleteSignature,
        ["MissingAuthenticationTokenException"] = KinesisErrorCode.MissingAuthenticationToken,
        ["ExpiredTokenException"] = KinesisErrorCode.ExpiredToken,
        ["ThrottlingException"] = KinesisErrorCode.Throttling,
        ["KMSThrottlingException"] = KinesisErrorCode.KmsThrottling,
        ["KMSAccessDeniedException"] = KinesisErrorCode.Kms,
        ["KMSDisabledException"] = KinesisErrorCode.Kms,
        ["KMSInvalidStateException"] = KinesisErrorCode.Kms,
        ["KMSNotFoundException"] = KinesisErrorCode.Kms,
        ["KMSOptInRequired"] = KinesisErrorCode.Kms,
        ["UnknownOperationException"] = KinesisErrorCode.UnknownOperation,
        ["InternalFailure"] = KinesisErrorCode.InternalFailure,
        ["InternalFailureException"] = KinesisErrorCode.InternalFailure,
        ["InternalServerError"] = KinesisErrorCode.InternalFailure,
        ["ServiceUnavailable"] = KinesisErrorCode.ServiceUnavailable,
        ["ServiceUnavailableException"] = KinesisErrorCode.ServiceUnavailable,
    };

    /// <summary>
    /// The code of an error type as servers spell it: <c>ResourceNotFoundException</c>, with a namespace
    /// (<c>com.amazonaws.kinesis.v20131202#ResourceNotFoundException</c>) or, in the <c>x-amzn-ErrorType</c>
    /// header, with a suffix (<c>ResourceNotFoundException:http://internal.amazon.com/…</c>).
    /// </summary>
    public static KinesisErrorCode FromType(string type) =>
        ByType.GetValueOrDefault(ShortType(type), KinesisErrorCode.Unknown);

    /// <summary>The error type without namespace or suffix.</summary>
    public static string ShortType(string type)
    {
        var name = type.AsSpan().Trim();
        var hash = name.LastIndexOf('#');
        if (hash >= 0)
        {
            name = name[(hash + 1)..];
        }

        var colon = name.IndexOf(':');
        if (colon >= 0)
        {
            name = name[..colon];
        }

        return name.ToString();
    }

    /// <summary>The code of a failed response that names no error type.</summary>
    public static KinesisErrorCode FromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Forbidden => KinesisErrorCode.AccessDenied,
        HttpStatusCode.NotFound => KinesisErrorCode.UnknownOperation,
        HttpStatusCode.RequestEntityTooLarge => KinesisErrorCode.RequestTooLarge,
        HttpStatusCode.TooManyRequests => KinesisErrorCode.Throttling,
        HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => KinesisErrorCode.ServiceUnavailable,
        >= HttpStatusCode.InternalServerError => KinesisErrorCode.InternalFailure,
        _ => KinesisErrorCode.Unknown,
    };

    /// <summary>Whether a call that failed so may succeed when tried again after a pause.</summary>
    public static bool IsRetryable(KinesisErrorCode code) => code is KinesisErrorCode.ProvisionedThroughputExceeded
        or KinesisErrorCode.LimitExceeded
        or KinesisErrorCode.Throttling
        or KinesisErrorCode.KmsThrottling
        or KinesisErrorCode.InternalFailure
        or KinesisErrorCode.ServiceUnavailable
        or KinesisErrorCode.Network
        or KinesisErrorCode.Timeout;

    /// <summary>Whether the failure is about who is calling (credentials, signature, permissions).</summary>
    public static bool IsAuthentication(KinesisErrorCode code) => code is KinesisErrorCode.AccessDenied
        or KinesisErrorCode.UnrecognizedClient
        or KinesisErrorCode.InvalidSignature
        or KinesisErrorCode.IncompleteSignature
        or KinesisErrorCode.MissingAuthenticationToken
        or KinesisErrorCode.ExpiredToken
        or KinesisErrorCode.CredentialsUnavailable;
}
