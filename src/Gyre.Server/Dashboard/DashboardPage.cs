namespace Gyre.Server.Dashboard;

/// <summary>
/// Endpoint metadata for the dashboard's pages: the token comes from the sign-in cookie instead of
/// the <c>Authorization</c> header, and a missing one sends the browser to the sign-in page.
/// </summary>
internal sealed record DashboardPage;
