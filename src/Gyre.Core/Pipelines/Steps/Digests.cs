using System.Security.Cryptography;
using System.Text;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>The sha256 of a text, as artifacts and cache keys name content.</summary>
public static class Digests
{
    public static string Of(string text) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
