using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Gateway;

/// <summary>Reads an inference body as a JSON document within the gateway's size limit (413 beyond it).</summary>
internal static class JsonBody
{
    public static async Task<JsonDocument> ReadAsync(HttpContext context, long maxBytes, CancellationToken ct)
    {
        var mediaType = context.Request.ContentType?.Split(';')[0].Trim();
        if (mediaType is not null && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw new GyreException(ErrorCode.UnsupportedMediaType, $"Content-Type: expected application/json, got '{mediaType}'");
        }
        BodyLimit.Apply(context, maxBytes);
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, default, ct);
        }
        catch (JsonException e)
        {
            throw GyreException.Invalid($"body: not valid JSON ({e.Message.Split(" Path:")[0]})");
        }
    }
}
