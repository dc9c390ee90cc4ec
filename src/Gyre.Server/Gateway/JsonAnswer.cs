using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Gateway;

/// <summary>
/// Writes an inference answer whole, with its length: the JSON is built in memory first, so the
/// headers and the body leave in one send at the end of the request, with no chunked framing and no
/// separate terminating chunk.
/// </summary>
internal static class JsonAnswer
{
    public static void Write(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        context.Response.BodyWriter.Write(buffer.WrittenSpan);
    }
}
