using System.Net;
using Gyre.Core.Auth;
using Gyre.Core.Serving.Rollouts;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>
/// The dashboard on a server that requires tokens: a browser signs in with an API token, the page's
/// actions need the scope the API would, the API never takes the sign-in cookie, and forms refuse
/// requests made without their antiforgery token.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardAuthTests(BrowserFixture browser)
{
    [Fact]
    public async Task SignIn_ReadSeesButCannotAbort_WriteAborts_AndCrossSiteFormsAreRefused()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        string read, write;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            read = (await storage.Tokens.CreateTokenAsync("viewer", TokenScope.Read, null, CancellationToken.None)).Secret;
            write = (await storage.Tokens.CreateTokenAsync("operator", TokenScope.Write, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home, token: write);
        var model = await ServingModels.TrainChurnAsync(server);
        await ServingModels.TrainChurnAsync(server, register: model, seed: 8);
        var endpoint = await ServingModels.CreateEndpointAsync(server, model + "/1");
        var rollout = await server.Client.Endpoints.StartRolloutAsync(endpoint, new RolloutRequest(model + "/2", RolloutStrategies.Canary, BakeSeconds: 3600));

        await using var tab = await DashboardPage.OpenAsync(browser, server.Address, $"/endpoints/{endpoint}");
        // Without a cookie, the page sends the browser to sign in, and back afterwards.
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?next=%2Fendpoints%2F"));
        await tab.Page.GetByLabel("API token").FillAsync("not-a-token");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("API token: unknown, revoked or expired");
        tab.Errors.Clear(); // the refused sign-in answered 401, which the browser logs

        await tab.Page.GetByLabel("API token").FillAsync(read);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync(endpoint);
        var cookie = (await tab.Page.Context.CookiesAsync()).Single(c => c.Name == "gyre_token");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("aborting a rollout needs a write token");
        await Expect(tab.Page.GetByRole(AriaRole.Button, new() { Name = $"Abort rollout {rollout.Id}" })).ToHaveCountAsync(0);

        // The API takes tokens from the Authorization header only: the sign-in cookie opens nothing there.
        var status = await tab.Page.EvaluateAsync<int>("fetch('/api/v1/experiments').then(r => r.status)");
        Assert.Equal((int)HttpStatusCode.Unauthorized, status);
        tab.Errors.Clear();

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out");
        await tab.GoAsync($"/endpoints/{endpoint}");
        await tab.Page.GetByLabel("API token").FillAsync(write);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync(endpoint);
        // Even for a writer, the abort form posted without the page's antiforgery token (as another
        // site's page would post it, the cookie riding along) is refused; the button's own post works.
        var forged = await tab.Page.Context.APIRequest.PostAsync(new Uri(server.Address, $"/endpoints/{endpoint}").ToString(),
            new() { Form = tab.Page.Context.APIRequest.CreateFormData().Set("_handler", "abort").Set("RolloutId", rollout.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        Assert.Equal((int)HttpStatusCode.BadRequest, forged.Status);
        Assert.Equal(RolloutStates.Running, (await server.Client.Endpoints.GetRolloutAsync(endpoint, rollout.Id)).State);

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = $"Abort rollout {rollout.Id}" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Rollout {rollout.Id} aborted");
        Assert.Equal(RolloutStates.Aborted, (await server.Client.Endpoints.GetRolloutAsync(endpoint, rollout.Id)).State);
        tab.AssertClean();
    }
}
