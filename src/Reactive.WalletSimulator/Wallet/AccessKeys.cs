using System.Security.Cryptography;
using System.Text;
using Reactive.WalletSimulator.Configuration;

namespace Reactive.WalletSimulator.Wallet;

/// <summary>
/// The users' access keys, kept as SHA-256 digests and compared with <see cref="CryptographicOperations.FixedTimeEquals"/>:
/// comparing digests of the same length, the time taken says nothing about the key, not even its length.
/// </summary>
internal sealed class AccessKeys
{
    private readonly Dictionary<string, byte[]> _digests;

    public AccessKeys(IReadOnlyDictionary<string, WalletUserOptions> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        _digests = users.ToDictionary(u => u.Key, u => Digest(u.Value.AccessKey ?? ""), StringComparer.Ordinal);
    }

    public bool IsKnown(string userId) => _digests.ContainsKey(userId);

    /// <summary>Whether <paramref name="key"/> is the key of <paramref name="userId"/> (a known user).</summary>
    public bool Matches(string userId, string key) => CryptographicOperations.FixedTimeEquals(_digests[userId], Digest(key));

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
