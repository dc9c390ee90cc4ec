using Gyre.Core.Errors;
using Gyre.Server.Auth;
using Gyre.Server.Dashboard;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Http;

/// <summary>The order every request goes through, before it reaches an endpoint.</summary>
internal static class GyreMiddleware
{
    public static WebApplication UseGyreMiddleware(this WebApplication app, ServerOptions options, ForwardedHeadersOptions? forwarded)
    {
        if (forwarded is not null)
        {
            app.UseForwardedHeaders(forwarded); // first: everything after sees the caller's scheme and address
        }
        if (!options.RequireAuth)
        {
            app.UseMiddleware<LoopbackOnlyMiddleware>();
            // Without tokens, only loopback names may address the server: a web page that rebinds
            // its own DNS name to 127.0.0.1 cannot drive the API from a browser.
            app.UseHostFiltering();
        }
        app.UseMiddleware<RawPathGuardMiddleware>();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseStatusCodePages(context => StatusPageAsync(context.HttpContext));
        app.UseRouting();
        app.UseMiddleware<DashboardHeaders>();
        app.UseMiddleware<CrossSiteGuardMiddleware>();
        app.UseMiddleware<TokenAuthMiddleware>();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>A bodiless error status (no route, wrong method) as a problem document, or as a page for a browser's 404.</summary>
    private static async Task StatusPageAsync(HttpContext http)
    {
        var status = http.Response.StatusCode;
        if (status == StatusCodes.Status404NotFound && NotFoundHtml.Wanted(http.Request))
        {
            await NotFoundHtml.WriteAsync(http);
            return;
        }
        await Problems.WriteAsync(http, ErrorCodes.FromHttpStatus(status), status switch
        {
            404 => $"no such resource: {http.Request.Method} {http.Request.Path}",
            405 => $"{http.Request.Method} is not supported on {http.Request.Path}",
            _ => $"HTTP {status} on {http.Request.Method} {http.Request.Path}",
        }, status: status);
    }
}
