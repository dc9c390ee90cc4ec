using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard;

/// <summary>
/// The dashboard's sign-in cookie. It holds the API token the person signed in with: HttpOnly, so no
/// script reads it, and SameSite=Strict, so no other site's page sends it. The API itself never
/// reads it (the API takes tokens only from the Authorization header), so it adds no cross-site
/// surface to the API; the dashboard's own forms carry antiforgery tokens besides.
/// </summary>
internal static class DashboardCookie
{
    public const string Name = "gyre_token";

    public static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };

    /// <summary>Where to go after signing in: only a path on this server, so the link cannot send the person elsewhere.</summary>
    public static string SafeReturn(string? next) =>
        next is { Length: > 0 } && next[0] == '/' && !next.StartsWith("//", StringComparison.Ordinal) && !next.StartsWith("/\\", StringComparison.Ordinal)
            && !next.Any(char.IsControl) ? next : "/";
}
