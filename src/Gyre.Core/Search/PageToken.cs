using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;

namespace Gyre.Core.Search;

/// <summary>
/// Opaque page tokens, bound to a fingerprint of the query so that a token from one listing cannot
/// be replayed against another. A token holds the sort keys of the last row a page returned (keyset
/// paging: rows inserted or deleted meanwhile neither repeat nor hide rows of later pages).
/// </summary>
public static class PageToken
{
    /// <summary>A token that resumes after the row whose sort keys are <paramref name="keys"/> (text, integers, doubles or nulls).</summary>
    public static string Encode(IReadOnlyList<object?> keys, string queryFingerprint)
    {
        var typed = keys.Select(k => k switch
        {
            null => null,
            string text => "s" + text,
            long n => "i" + n.ToString(CultureInfo.InvariantCulture),
            int n => "i" + n.ToString(CultureInfo.InvariantCulture),
            double d => "d" + d.ToString("R", CultureInfo.InvariantCulture),
            _ => throw new ArgumentException($"a sort key of type {k.GetType().Name} cannot go in a page token", nameof(keys)),
        });
        var json = JsonSerializer.Serialize(new KeyToken([.. typed], Fingerprint(queryFingerprint)));
        return "k" + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The sort keys a token resumes after; null for no token.</summary>
    public static object?[]? Decode(string? token, string queryFingerprint, int keyCount, string field = "page_token")
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        KeyToken? parsed;
        try
        {
            parsed = token[0] == 'k' ? JsonSerializer.Deserialize<KeyToken>(Base64Url.DecodeFromChars(token.AsSpan(1))) : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            parsed = null;
        }
        if (parsed?.Keys is not { } keys || parsed.Fingerprint is null || keys.Length != keyCount)
        {
            throw GyreException.Invalid($"{field}: not a page token returned by this server");
        }
        if (parsed.Fingerprint != Fingerprint(queryFingerprint))
        {
            throw GyreException.Invalid($"{field}: the token belongs to a different query (filter, order or scope changed)");
        }
        return keys.Select(k => Key(k, field)).ToArray();
    }

    private static object? Key(string? typed, string field) => typed switch
    {
        null => null,
        ['s', .. var text] => text,
        ['i', .. var n] when long.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => integer,
        ['d', .. var d] when double.TryParse(d, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) => real,
        _ => throw GyreException.Invalid($"{field}: not a page token returned by this server"),
    };

    private sealed record KeyToken(string?[]? Keys, string? Fingerprint);

    private static string Fingerprint(string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..12];
}
