using Gyre.Core.Errors;
using Gyre.Server.Dashboard;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Http;

/// <summary>
/// Refuses state-changing requests that a web page on another site could make the viewer's browser
/// send, whether authentication is on or off (off is the default on loopback, where any page the
/// user opens could otherwise promote a rollout or start a pipeline):
/// <list type="bullet">
/// <item>a request that says it comes from another site (<c>Sec-Fetch-Site</c>) or another origin
/// (<c>Origin</c>) is a 403;</item>
/// <item>a POST must carry a <c>Content-Type</c> that browsers send cross-site only after a preflight
/// (which Gyre never grants): <c>application/json</c> or the route's own binary type. A missing type,
/// <c>text/plain</c>, form and multipart bodies are a 415.</item>
/// </list>
/// The dashboard's own forms are posted from the same origin and carry antiforgery tokens, so they
/// keep their form encoding. Programs (the CLI, curl, clients) send neither header and are unaffected.
/// </summary>
internal sealed class CrossSiteGuardMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
        {
            return next(context);
        }
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return Problems.WriteAsync(context, ErrorCode.PermissionDenied, $"Sec-Fetch-Site: a {site} request cannot change state on this server");
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOwn(request, origin))
        {
            return Problems.WriteAsync(context, ErrorCode.PermissionDenied, $"Origin: a request from {origin} cannot change state on this server");
        }
        if (HttpMethods.IsPost(request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<DashboardPage>() is null && IsSimple(request.ContentType))
        {
            var given = string.IsNullOrEmpty(request.ContentType) ? "none" : $"'{request.ContentType}'";
            return Problems.WriteAsync(context, ErrorCode.UnsupportedMediaType,
                $"Content-Type: expected application/json (or the route's own type), got {given}; a POST must say what it sends");
        }
        return next(context);
    }

    private static bool IsOwn(HttpRequest request, string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)
        && uri.Authority.Equals(request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>The body types a browser sends cross-site without a preflight (and none at all).</summary>
    private static bool IsSimple(string? contentType)
    {
        var semicolon = contentType?.IndexOf(';', StringComparison.Ordinal) ?? -1;
        var mediaType = (semicolon >= 0 ? contentType![..semicolon] : contentType)?.Trim() ?? "";
        return mediaType.Length == 0
            || mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
    }
}
