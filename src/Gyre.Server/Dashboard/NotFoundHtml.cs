using System.Net;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard;

/// <summary>
/// The 404 a browser gets for a path that is neither a dashboard page nor a route of the API: an
/// HTML page in the dashboard's style with a way back, where programs get a problem as JSON.
/// </summary>
internal static class NotFoundHtml
{
    private static readonly string[] ApiPrefixes = ["/api/", "/v2", "/endpoints/", "/metrics", "/openapi/", "/healthz", "/readyz"];

    /// <summary>Whether the request is a browser's for a page: it asks for HTML, and not under an API prefix.</summary>
    public static bool Wanted(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
        && !ApiPrefixes.Any(p => request.Path.StartsWithSegments(p.TrimEnd('/'), StringComparison.OrdinalIgnoreCase));

    public static Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        var path = WebUtility.HtmlEncode(context.Request.Path.Value ?? "/");
        return context.Response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Not found · Gyre</title><link rel="stylesheet" href="/dashboard/assets/gyre.css" /></head>
            <body><header class="top"><a class="brand" href="/">Gyre</a></header>
            <main><h1>Not found</h1><div class="error">There is no page at <code>{{path}}</code>.</div>
            <p><a href="/">Go to the overview</a>.</p></main></body></html>
            """);
    }
}
