namespace Reactive.Host.Http;

/// <summary>
/// Who may use the HTTP surface (configuration section <c>Http</c>, and the root key <c>AllowedHosts</c> of ASP.NET
/// Core's host filtering). Requests without an <c>Origin</c> header (curl, <c>reactive sql</c>) and from the service's
/// own origin are always served.
/// </summary>
public sealed class HttpAccessOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Http";

    /// <summary>The configuration key of the host names the service answers (ASP.NET Core's host filtering).</summary>
    public const string AllowedHostsKey = "AllowedHosts";

    /// <summary>
    /// The host names the service answers when <c>AllowedHosts</c> is not set: the loopback names, so that a page
    /// whose DNS name is made to point at the service (DNS rebinding) is refused (400). Set <c>AllowedHosts</c> to the
    /// names clients use (<c>;</c> between them, <c>*.example.com</c> for sub-domains, <c>*</c> for any).
    /// </summary>
    /// <value>The default is <c>localhost;127.0.0.1;[::1]</c>.</value>
    public const string DefaultAllowedHosts = "localhost;127.0.0.1;[::1]";

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) besides the service's own whose pages may call it from a browser; the
    /// service answers CORS for them, and only for them. A request with any other <c>Origin</c> is refused (403).
    /// </summary>
    /// <value>The default is none: the service's own origin only, and no CORS.</value>
    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];

    /// <summary>Throws when an entry of <see cref="AllowedOrigins"/> is not an origin.</summary>
    internal void Validate()
    {
        foreach (var origin in AllowedOrigins)
        {
            if (Normalize(origin) is null)
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(
                    "Http:AllowedOrigins",
                    typeof(HttpAccessOptions),
                    [$"Http:AllowedOrigins: '{origin}' is not an origin; write scheme://host[:port], e.g. http://localhost:3000."]);
            }
        }
    }

    /// <summary>An origin as <c>scheme://host[:port]</c>, lower case, without a default port; null when it is not one.</summary>
    internal static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)
            || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath is not ("/" or "")
            || !string.IsNullOrEmpty(uri.Query)
            || !string.IsNullOrEmpty(uri.Fragment)
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}
