using Gyre.Server.Auth;
using Gyre.Server.Dashboard.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Dashboard;

/// <summary>
/// The dashboard: Razor components rendered on the server (static server-side rendering), charts
/// drawn as SVG by <see cref="Charts"/>, and one small script of our own that refreshes the live
/// parts of a page and shows times in the viewer's zone.
/// </summary>
internal static class DashboardSetup
{
    public static IServiceCollection AddGyreDashboard(this IServiceCollection services, string home)
    {
        services.AddRazorComponents();
        // Antiforgery tokens are protected by keys kept in the home, so they survive a restart.
        services.AddDataProtection().SetApplicationName("gyre").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(home, "keys")));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "gyre_antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.HttpOnly = true;
        });
        return services;
    }

    public static void MapGyreDashboard(this WebApplication app)
    {
        app.MapGet("/dashboard/assets/{file}", DashboardAssets.Serve).WithMetadata(new Anonymous()).ExcludeFromDescription();
        // Signed in with the dashboard's cookie, as its pages are.
        app.MapGet("/runs/{id}/artifact/{**path}", ArtifactContent.Serve).WithMetadata(new DashboardPage()).ExcludeFromDescription();
        app.MapRazorComponents<App>().Add(endpoint => endpoint.Metadata.Add(new DashboardPage()));
    }
}
