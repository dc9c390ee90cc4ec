using Gyre.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gyre.Server.Http;

/// <summary>Raises or lowers the body limit of one request before its body is read.</summary>
internal static class BodyLimit
{
    public static void Apply(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge,
                $"body: {context.Request.ContentLength} bytes is larger than the limit of {maxBytes} bytes");
        }
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = maxBytes;
        }
    }
}
