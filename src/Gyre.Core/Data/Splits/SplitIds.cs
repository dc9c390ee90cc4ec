using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gyre.Core.Json;

namespace Gyre.Core.Data.Splits;

/// <summary>The id of a split: a digest of what determines its rows, so that the same request finds the same split.</summary>
public static class SplitIds
{
    public static string Of(string dataset, string sourceDigest, SplitSpec normalized)
    {
        var text = $"{dataset}\n{sourceDigest}\n{JsonSerializer.Serialize(normalized, GyreJson.Options)}";
        return "split-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..20];
    }
}
