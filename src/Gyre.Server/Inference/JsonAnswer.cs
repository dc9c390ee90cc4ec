using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference;

/// <summary>
/// Writes an inference answer whole, with its length: the JSON is built in memory first, so the
/// headers and the body leave in one send at the end of the request, with no chunked framing and no
/// separate terminating chunk. Each thread keeps its buffer and JSON writer for the next answer
/// (the write is synchronous); a buffer grown past <see cref="KeptBytes"/> is let go.
/// </summary>
internal static class JsonAnswer
{
    private const int KeptBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public static void Write(HttpContext context, Action<Utf8JsonWriter> write)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var json = t_json ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        write(json);
        json.Flush();
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        context.Response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > KeptBytes)
        {
            t_buffer = null;
            t_json = null;
        }
    }
}
