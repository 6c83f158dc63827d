using Microsoft.AspNetCore.Http;

namespace Reactive.WalletSimulator.Http;

/// <summary>A query string with the value of every <c>access_key</c> replaced, for logs.</summary>
internal static class QueryRedaction
{
    public const string Redacted = "***";

    /// <summary>
    /// The query with each <c>access_key</c> value (name compared as ASP.NET Core reads it: percent- and plus-decoded,
    /// ignoring case) replaced by <see cref="Redacted"/>; every other pair as it came.
    /// </summary>
    public static string Redact(QueryString query)
    {
        if (!query.HasValue)
        {
            return "";
        }

        var pairs = query.Value![1..].Split('&');
        for (var i = 0; i < pairs.Length; i++)
        {
            var equals = pairs[i].IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pairs[i] : pairs[i][..equals];
            if (string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), "access_key", StringComparison.OrdinalIgnoreCase))
            {
                pairs[i] = name + "=" + Redacted;
            }
        }

        return "?" + string.Join('&', pairs);
    }
}
