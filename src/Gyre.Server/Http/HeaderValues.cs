using Microsoft.Net.Http.Headers;

namespace Gyre.Server.Http;

/// <summary>
/// Header values made from names users chose, which may hold any character: a header carries
/// ASCII only, so names are encoded rather than written as they are (which throws, or breaks the header).
/// </summary>
internal static class HeaderValues
{
    /// <summary>
    /// <c>Content-Disposition: attachment</c> for a file name, in both forms of RFC 6266: an ASCII
    /// <c>filename</c>, quoted and escaped, and the exact name as UTF-8 in <c>filename*</c> (RFC 8187).
    /// </summary>
    public static string Attachment(string fileName)
    {
        var value = new ContentDispositionHeaderValue("attachment");
        value.SetHttpFileName(fileName);
        return value.ToString();
    }

    /// <summary>A path for <c>Location</c>: the prefix as given, then each segment percent-encoded.</summary>
    public static string Location(string prefix, IEnumerable<string> segments) =>
        prefix.TrimEnd('/') + "/" + string.Join('/', segments.Select(Uri.EscapeDataString));
}
