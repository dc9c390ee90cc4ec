using System.Buffers;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference;

/// <summary>Reads an inference body as a JSON document within the gateway's size limit (413 beyond it).</summary>
internal static class JsonBody
{
    public static async ValueTask<RequestJson> ReadAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        if (context.Request.ContentType is { } contentType && MediaType(contentType) is var mediaType
            && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new GyreException(ErrorCode.UnsupportedMediaType, $"Content-Type: expected application/json, got '{mediaType}'");
        }
        BodyLimit.Apply(context, maxBytes);
        // The whole body is buffered by the request's pipe (within the limit) and parsed in one call:
        // an inference body is small, and parsing it from a stream costs more than the copy.
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.IsCompleted)
            {
                try
                {
                    return Parse(read.Buffer);
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static RequestJson Parse(ReadOnlySequence<byte> body)
    {
        try
        {
            // A document over memory reads that memory for its whole life, and the pipe's buffers are
            // reused once advanced past: the document gets a copy of its own.
            return RequestJson.Parse(body);
        }
        catch (JsonException e)
        {
            throw GyreException.Invalid($"body: not valid JSON ({e.Message.Split(" Path:")[0]})");
        }
    }

    /// <summary>The media type without its parameters (<c>; charset=…</c>).</summary>
    private static string MediaType(string contentType)
    {
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }
}
