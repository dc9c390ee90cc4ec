using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Api;
using Gyre.Server.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Dashboard.Components;

/// <summary>
/// What every dashboard page shares: the request, its cancellation, and one way to load: a missing
/// object becomes a 404 page that says what is missing, a bad filter or argument a 400 that says
/// what was expected, and nothing else is caught.
/// </summary>
public abstract class DashboardPageBase : ComponentBase
{
    [CascadingParameter]
    public HttpContext? Http { get; set; }

    [Inject]
    internal ServerOptions Options { get; set; } = null!;

    [Inject]
    public TimeProvider Time { get; set; } = null!;

    [Inject]
    public NavigationManager Navigation { get; set; } = null!;

    /// <summary>Where a page leaves what was not found, for the not-found page to say.</summary>
    internal const string MissingItem = "gyre.missing";

    /// <summary>Why the page's object could not be shown (not found), when it could not.</summary>
    protected string? Missing { get; private set; }

    /// <summary>What was wrong with the page's input (a filter, a parameter) or an action.</summary>
    protected string? Problem { get; set; }

    protected CancellationToken Ct => Http?.RequestAborted ?? CancellationToken.None;

    protected long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Whether the signed-in token may change things (always, when the server requires no token).</summary>
    protected bool CanWrite => !Options.RequireAuth || (Http?.Items[Scopes.TokenItem] is ApiToken token && token.Scope >= TokenScope.Write);

    protected async Task LoadAsync(Func<Task> load)
    {
        try
        {
            await load();
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            // Blazor renders nothing more once a page is not found; its not-found page shows why.
            Missing = e.Message;
            if (Http is not null)
            {
                Http.Items[MissingItem] = e.Message;
                Http.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }
            Navigation.NotFound();
        }
        catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            Problem = e.Message;
            SetStatus(StatusCodes.Status400BadRequest);
        }
    }

    /// <summary>Runs a page action (a form's submit): a refusal or conflict is shown, not thrown.</summary>
    protected async Task<bool> ActAsync(TokenScope scope, Func<Task> action)
    {
        try
        {
            if (Http is not null)
            {
                Scopes.Demand(Http, scope);
            }
            await action();
            return true;
        }
        catch (GyreException e) when (e.Code is ErrorCode.PermissionDenied or ErrorCode.Conflict or ErrorCode.InvalidArgument or ErrorCode.NotFound)
        {
            Problem = e.Message;
            SetStatus(e.Code.HttpStatus());
            return false;
        }
    }

    protected void SetStatus(int status)
    {
        if (Http is { Response.HasStarted: false })
        {
            // The page itself says what went wrong; the API's problem+json status pages must not replace it.
            Http.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            Http.Response.StatusCode = status;
        }
    }
}
