using System.Security.Cryptography;
using System.Text;

namespace Gyre.Core.Auth;

/// <summary>Makes token secrets and the hashes under which they are stored.</summary>
public static class TokenSecrets
{
    public const string Prefix = "gyre_";

    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>
    /// What is wrong with a secret made outside Gyre, or null: one line of visible ASCII, at least 32
    /// characters, and at least 128 bits by a rough count (length × log2 of its distinct characters),
    /// which any random hex or base64 secret of that length passes and a repeated word does not.
    /// </summary>
    public static string? Check(string secret) =>
        secret.Length < 32 ? $"expected a secret of at least 32 characters, got {secret.Length}"
        : secret.Any(c => c is <= ' ' or > '~') ? "expected visible ASCII characters only (no spaces, no control characters)"
        : secret.Length * Math.Log2(secret.Distinct().Count()) < 128 ? "expected a random secret (e.g. `openssl rand -hex 32`), got one with too few distinct characters"
        : null;

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
