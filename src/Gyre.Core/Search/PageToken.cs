using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Gyre.Core.Errors;

namespace Gyre.Core.Search;

/// <summary>
/// Opaque page tokens: the offset of the next page, bound to a fingerprint of the query so
/// that a token from one search cannot be replayed against another.
/// </summary>
public static class PageToken
{
    public static string Encode(long offset, string queryFingerprint) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{offset}:{Fingerprint(queryFingerprint)}"));

    /// <summary>The offset a token stands for; 0 for no token.</summary>
    public static long Decode(string? token, string queryFingerprint, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw GyreException.Invalid($"{field}: not a page token returned by this server");
        }
        var parts = text.Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], out var offset) || offset < 0)
        {
            throw GyreException.Invalid($"{field}: not a page token returned by this server");
        }
        if (parts[1] != Fingerprint(queryFingerprint))
        {
            throw GyreException.Invalid($"{field}: the token belongs to a different query (filter, order or scope changed)");
        }
        return offset;
    }

    private static string Fingerprint(string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..12];
}
