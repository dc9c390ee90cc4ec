using System.Buffers;
using Gyre.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Gyre.Server.Http;

/// <summary>
/// Rejects a request whose raw target holds '.' or '..' segments, literal or percent-encoded,
/// before Kestrel's normalisation can quietly turn it into another route. Paths from users
/// never leave their root, and a traversal attempt gets a clear 400 instead of a confusing 404.
/// </summary>
internal sealed class RawPathGuardMiddleware(RequestDelegate next)
{
    private static readonly SearchValues<char> DotEscapeOrNul = SearchValues.Create(".%\0");

    public Task InvokeAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query >= 0 ? raw.AsSpan(0, query) : raw.AsSpan();
        // Most paths hold neither a dot nor an escape nor NUL, and cannot form a dot segment.
        if (path.IndexOfAny(DotEscapeOrNul) < 0)
        {
            return next(context);
        }
        foreach (var segment in path.ToString().Split('/'))
        {
            var decoded = Uri.UnescapeDataString(segment);
            if (decoded.Contains('\0') || decoded.Split('/', '\\').Any(part => part is "." or ".."))
            {
                return Problems.WriteAsync(context, ErrorCode.InvalidArgument,
                    "path: must not contain '.' or '..' segments, encoded separators that form them, or NUL");
            }
        }
        return next(context);
    }
}
