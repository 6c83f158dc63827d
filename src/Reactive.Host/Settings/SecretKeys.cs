namespace Reactive.Host.Settings;

/// <summary>
/// Keys named like secrets (<c>*Key*</c>, <c>*Secret*</c>, <c>*Password*</c>, <c>*Token*</c>, in any part of the path):
/// an error about one names the key, never its value.
/// </summary>
internal static class SecretKeys
{
    private static readonly string[] Words = ["key", "secret", "password", "token"];

    /// <summary>What stands in a message for a secret's value.</summary>
    public const string Hidden = "(value hidden)";

    /// <summary>Whether <paramref name="key"/> (a path like <c>Wallet:AccessKey</c> or an argument like <c>access-key</c>) names a secret.</summary>
    public static bool IsSecret(string key) =>
        Words.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary><paramref name="message"/> with <paramref name="value"/> hidden when <paramref name="key"/> names a secret.</summary>
    public static string Redact(string key, string? value, string message) =>
        string.IsNullOrEmpty(value) || !IsSecret(key) ? message : message.Replace(value, Hidden, StringComparison.Ordinal);
}
