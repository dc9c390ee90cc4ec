using System.Security.Cryptography;
using System.Text;

namespace Gyre.Core.Auth;

/// <summary>Makes token secrets and the hashes under which they are stored.</summary>
public static class TokenSecrets
{
    public const string Prefix = "gyre_";

    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>What is wrong with a secret made outside Gyre, or null: long enough to guess no sooner than Gyre's own, one line of visible ASCII.</summary>
    public static string? Check(string secret) =>
        secret.Length < 32 ? $"expected a secret of at least 32 characters, got {secret.Length}"
        : secret.Any(c => c is <= ' ' or > '~') ? "expected visible ASCII characters only (no spaces, no control characters)"
        : null;

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
