using System.Net.Http.Headers;

namespace Gyre.Server.Tests;

/// <summary>An empty body that says it is JSON, for POSTs that carry nothing: the server refuses a POST without a type.</summary>
internal static class NoBody
{
    public static HttpContent Json()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }
}
