using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// Options of <see cref="KinesisClient"/>: where Kinesis is and who signs. Without an access key the
/// credentials come from AWS's default chain (environment variables, profiles, web identity, the
/// instance or container role).
/// </summary>
/// <remarks>
/// <see cref="SecretAccessKey"/> and <see cref="SessionToken"/> never appear in <see cref="ToString"/>,
/// in validation messages, in the client's log lines or in its exceptions.
/// </remarks>
public sealed partial class KinesisOptions
{
    /// <summary>The AWS region the requests are signed for, such as <c>eu-west-1</c>.</summary>
    /// <value>The default value is <c>"us-east-1"</c> (kinesalite accepts any region).</value>
    [Required]
    public string Region { get; set; } = "us-east-1";

    /// <summary>
    /// The service URL, for kinesalite or LocalStack (<c>http://127.0.0.1:4567</c>) or a VPC endpoint;
    /// <see langword="null"/> or empty means the region's public endpoint, <c>https://kinesis.REGION.amazonaws.com</c>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ServiceUrl { get; set; }

    /// <summary>
    /// The access key id; with <see cref="SecretAccessKey"/>, the credentials to sign with. Leave both
    /// empty to use AWS's default credential chain.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the default chain).</value>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKeyId"/>. Never logged or shown.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SecretAccessKey { get; set; }

    /// <summary>The session token of temporary credentials (optional, with <see cref="AccessKeyId"/>). Never logged or shown.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SessionToken { get; set; }

    /// <summary>How long one request may take before it fails with <see cref="KinesisErrorCode.Timeout"/>.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether explicit credentials are configured (otherwise the default chain is used).</summary>
    internal bool HasExplicitCredentials => !string.IsNullOrEmpty(AccessKeyId);

    /// <summary>The service URL, with the region's public endpoint as the default.</summary>
    internal Uri EffectiveServiceUrl => string.IsNullOrWhiteSpace(ServiceUrl)
        ? new Uri($"https://kinesis.{Region}.{Amazon.RegionEndpoint.GetBySystemName(Region).PartitionDnsSuffix}/")
        : new Uri(ServiceUrl, UriKind.Absolute);

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one (never showing a secret).</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Region) || !RegionPattern().IsMatch(Region))
        {
            throw new ArgumentException($"KinesisOptions.Region must be an AWS region name such as 'eu-west-1' (was '{Region}').", nameof(Region));
        }

        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            throw new ArgumentException($"KinesisOptions.ServiceUrl must be an absolute http or https URL such as 'http://127.0.0.1:4567' (was '{ServiceUrl}').", nameof(ServiceUrl));
        }

        var hasKeyId = !string.IsNullOrEmpty(AccessKeyId);
        var hasSecret = !string.IsNullOrEmpty(SecretAccessKey);
        if (hasKeyId != hasSecret)
        {
            throw hasKeyId
                ? new ArgumentException("KinesisOptions.SecretAccessKey must be set when KinesisOptions.AccessKeyId is (or leave both empty to use the default credential chain).", nameof(SecretAccessKey))
                : new ArgumentException("KinesisOptions.AccessKeyId must be set when KinesisOptions.SecretAccessKey is (or leave both empty to use the default credential chain).", nameof(AccessKeyId));
        }

        if (!string.IsNullOrEmpty(SessionToken) && !hasKeyId)
        {
            throw new ArgumentException("KinesisOptions.SessionToken needs KinesisOptions.AccessKeyId and KinesisOptions.SecretAccessKey (temporary credentials come as the three together).", nameof(SessionToken));
        }

        if (hasKeyId && !AccessKeyIdPattern().IsMatch(AccessKeyId!))
        {
            // The key id is not secret, but a misplaced secret could land here: say what is wrong, not what it is.
            throw new ArgumentException($"KinesisOptions.AccessKeyId must be letters and digits only ({AccessKeyId!.Length} characters given; its value is not shown).", nameof(AccessKeyId));
        }

        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"KinesisOptions.RequestTimeout must be positive and finite (was {RequestTimeout}).", nameof(RequestTimeout));
        }
    }

    /// <summary>The options with the secret access key and session token hidden.</summary>
    public override string ToString() =>
        $"KinesisOptions {{ Region = {Region}, ServiceUrl = {(string.IsNullOrWhiteSpace(ServiceUrl) ? "(the region's endpoint)" : ServiceUrl)}, "
        + $"Credentials = {(HasExplicitCredentials ? $"access key {AccessKeyId}, secret ***{(string.IsNullOrEmpty(SessionToken) ? string.Empty : ", session token ***")}" : "(the default chain)")}, "
        + $"RequestTimeout = {RequestTimeout} }}";

    [GeneratedRegex("^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[A-Za-z0-9]+$")]
    private static partial Regex AccessKeyIdPattern();
}
