using System.Text.RegularExpressions;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// Cleans texts that come from a server (error messages) of anything that signs or authenticates a
/// request: the known secret keys and session tokens, and any echoed Authorization header,
/// signature or security token. A server that echoes the request (kinesalite does, for an
/// incomplete signature) must not put them into an exception or a log line.
/// </summary>
internal static partial class SecretRedaction
{
    /// <summary>Longest server text kept, in characters.</summary>
    public const int MaxLength = 2000;

    private const string Hidden = "***";

    public static string? Clean(string? text, IReadOnlyList<string> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, Hidden, StringComparison.Ordinal);
            }
        }

        text = AuthorizationHeader().Replace(text, "${name}" + Hidden);
        text = SignatureScheme().Replace(text, "AWS4-HMAC-SHA256 " + Hidden);
        text = NamedSecret().Replace(text, "${name}" + Hidden);
        return text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
    }

    // "Authorization=AWS4-HMAC-SHA256 Credential=…" or "Authorization: …", to the end of the line.
    [GeneratedRegex(@"(?<name>\bAuthorization\s*[=:]\s*)[^\r\n]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationHeader();

    [GeneratedRegex(@"AWS4-HMAC-SHA256\s+Credential=[^\r\n]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SignatureScheme();

    [GeneratedRegex(@"(?<name>\b(?:X-Amz-Signature|Signature|X-Amz-Security-Token|SessionToken|SecretAccessKey|aws_secret_access_key|aws_session_token)\s*[=:]\s*""?)[^\s&,;""]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedSecret();
}
