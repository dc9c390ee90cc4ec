using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard;

/// <summary>
/// Response headers for the dashboard's pages: no framing by another site (clickjacking), and a
/// content security policy that allows only the dashboard's own script, styles and forms.
/// Inline style attributes are allowed: the traffic split and legends colour their swatches so.
/// </summary>
internal sealed class DashboardHeaders(RequestDelegate next)
{
    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DashboardPage>() is not null)
        {
            context.Response.Headers.ContentSecurityPolicy = Policy;
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "same-origin";
        }
        return next(context);
    }
}
