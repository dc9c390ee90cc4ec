using System.Diagnostics;
using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Labelling;
using Gyre.Server.Tests.Labelling;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>
/// A person labels an uncertainty queue on a churn endpoint in Chromium with the keyboard alone:
/// digits choose, Enter submits, S skips, U undoes. Their labels, recorded under their token's name,
/// are the predictions' ground truth in the online accuracy of their window; a reader cannot label.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardLabellingTests(BrowserFixture browser, ITestOutputHelper output)
{
    [Fact]
    public async Task TenItems_LabelledWithTheKeyboard_AreTheOnlineAccuracyOfTheirWindow()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        string ann, viewer;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            ann = (await storage.Tokens.CreateTokenAsync("ann", TokenScope.Write, null, CancellationToken.None)).Secret;
            viewer = (await storage.Tokens.CreateTokenAsync("viewer", TokenScope.Read, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home, token: ann);
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        // 240/minute over windows of 3 s: the 12 least certain predictions of the window.
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("churn-review", endpoint, LabelStrategies.Uncertainty, "240/minute", WindowSeconds: 3, Since: since));
        var rows = (await LabelStreams.PredictAsync(server, endpoint, 150, seed: 21)).ToDictionary(r => r.Id);
        Assert.Equal(12, (await LabelStreams.SampledAsync(server.Client, "churn-review", since + 3000)).Count);

        await using var tab = await DashboardPage.OpenAsync(browser, server.Address, "/labels/churn-review");
        await tab.Page.GetByLabel("API token").FillAsync(ann);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync("churn-review");
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("signed in as ann");
        var item = tab.Page.Locator(".item");
        var keys = tab.Page.Keyboard;
        // The page's script is deferred: a key pressed before it has run reaches no listener.
        Task KeysReady() => Expect(tab.Page.Locator("body[data-keys=ready]")).ToHaveCountAsync(1);
        string Truth(string id) => ServingModels.Churns(rows[id].Tenure, rows[id].Plan) ? "left" : "stayed";
        string Key(string label) => label == "left" ? "1" : "2";

        var clock = Stopwatch.StartNew();
        var skipped = (await item.GetAttributeAsync("data-prediction-id"))!;
        await KeysReady();
        await keys.PressAsync("s");
        await Expect(item).Not.ToHaveAttributeAsync("data-prediction-id", skipped);
        var labelled = new Dictionary<string, string>();
        for (var k = 0; k < 10; k++)
        {
            var id = (await item.GetAttributeAsync("data-prediction-id"))!;
            await Expect(item).ToContainTextAsync($"tenure{rows[id].Tenure}");
            await KeysReady();
            if (k == 2)
            {
                // A slip: the wrong class, taken back with U, and the same item offered again.
                await keys.PressAsync(Key(Truth(id) == "left" ? "stayed" : "left"));
                await keys.PressAsync("Enter");
                await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved your label of {id}");
                await keys.PressAsync("u");
                await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Took back your last answer, on {id}");
                await Expect(item).ToHaveAttributeAsync("data-prediction-id", id);
                await KeysReady();
            }
            await keys.PressAsync(Key(Truth(id)));
            await keys.PressAsync("Enter");
            await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Saved your label of {id}");
            labelled[id] = Truth(id);
        }
        output.WriteLine($"a skip, a slip undone and ten labels with the keyboard: {clock.Elapsed.TotalSeconds:0.0} s");
        await tab.ScreenshotAsync("labelling");

        // Each label is recorded with who gave it and when.
        var done = (await server.Client.Labels.ListItemsAsync("churn-review", LabelItemStates.Done)).Items;
        Assert.Equal(labelled.Keys.Order(StringComparer.Ordinal), done.Select(d => d.Item.PredictionId).Order(StringComparer.Ordinal));
        Assert.All(done, d => Assert.Equal((JsonSerializer.Serialize(labelled[d.Item.PredictionId]), "ann"), (d.Item.Final, d.Labels.Single().Labeller)));
        Assert.All(done, d => Assert.InRange(d.Labels.Single().Time, since, LabelStreams.Now()));
        Assert.Equal(1, (await server.Client.Labels.GetQueueAsync("churn-review")).Agreement.Labellers.Single().Skips);

        // The online accuracy of their window is the model's against these labels.
        var online = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/online-metrics?since={since}&window_seconds=3"));
        var window = online.GetProperty("windows")[0].GetProperty("variants")[0];
        Assert.Equal(10, window.GetProperty("labelled").GetInt32());
        var accuracy = labelled.Count(l => rows[l.Key].Answer.GetProperty("label").GetString() == l.Value) / 10.0;
        Assert.Equal(accuracy, window.GetProperty("value").GetDouble(), 1e-12);
        tab.AssertClean();

        // A reader sees the queue but has no form to label with.
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await tab.GoAsync("/labels/churn-review");
        await tab.Page.GetByLabel("API token").FillAsync(viewer);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Labelling needs a write token");
        await Expect(tab.Page.Locator("form[data-labelling]")).ToHaveCountAsync(0);
        await keys.PressAsync("u");
        Assert.Equal(10, (await server.Client.Labels.ListItemsAsync("churn-review", LabelItemStates.Done)).Items.Count);
        tab.AssertClean();
    }

    [Fact]
    public async Task AReviewer_DecidesAnItemTheTwoLabellersDisagreedOn_WithTheSameKeys()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        string ann, bob;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            ann = (await storage.Tokens.CreateTokenAsync("ann", TokenScope.Write, null, CancellationToken.None)).Secret;
            bob = (await storage.Tokens.CreateTokenAsync("bob", TokenScope.Write, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home, token: ann);
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("pairs", endpoint, LabelStrategies.Random, "40/minute", WindowSeconds: 3, Double: 1, Since: since));
        await LabelStreams.PredictAsync(server, endpoint, 20, seed: 3);
        var items = await LabelStreams.SampledAsync(server.Client, "pairs", since + 3000);
        Assert.Equal(2, items.Count);
        using var bobClient = server.ClientWithToken(bob);
        foreach (var i in items)
        {
            await server.Client.Labels.LabelAsync("pairs", i.Item.PredictionId, "left");
            await bobClient.Labels.LabelAsync("pairs", i.Item.PredictionId, "stayed");
        }

        await using var tab = await DashboardPage.OpenAsync(browser, server.Address, "/labels/pairs");
        await tab.Page.GetByLabel("API token").FillAsync(ann);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Nothing to label for you right now.");
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Over 2 item(s) labelled twice: 0 agree, Cohen's kappa 0.");
        await Expect(tab.Page.Locator("#review tbody tr")).ToHaveCountAsync(2);
        await tab.Page.Locator("#review tbody tr").First.GetByRole(AriaRole.Link, new() { Name = "Decide" }).ClickAsync();
        await Expect(tab.Page.Locator("main")).ToContainTextAsync("Labelled so far: ann: left; bob: stayed");
        var id = (await tab.Page.Locator(".item").GetAttributeAsync("data-prediction-id"))!;
        Assert.Equal(items[0].Item.PredictionId, id);
        await Expect(tab.Page.Locator("body[data-keys=ready]")).ToHaveCountAsync(1);
        await tab.Page.Keyboard.PressAsync("2");
        await tab.Page.Keyboard.PressAsync("Enter");
        await Expect(tab.Page.Locator(".notice[role=status]")).ToContainTextAsync($"Saved your label of {id}");
        await Expect(tab.Page.Locator("#review tbody tr")).ToHaveCountAsync(1);

        var decided = (await server.Client.Labels.ListItemsAsync("pairs", LabelItemStates.Done)).Items.Single();
        Assert.Equal((id, "\"stayed\"", "ann"), (decided.Item.PredictionId, decided.Item.Final, decided.Item.Reviewer));
        var logged = (await server.Client.Endpoints.ListPredictionsAsync(endpoint)).Items.Single(p => p.Prediction.PredictionId == id);
        Assert.Equal(("\"stayed\"", "human"), (logged.Actual, logged.FeedbackSource));
        tab.AssertClean();
    }
}
