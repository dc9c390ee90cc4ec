using System.Security.Cryptography;
using System.Text;

namespace Gyre.Core.Auth;

/// <summary>Makes token secrets and the hashes under which they are stored.</summary>
public static class TokenSecrets
{
    public const string Prefix = "gyre_";

    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
