using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Labelling;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;

namespace Gyre.Server.Tests.Labelling;

/// <summary>
/// People label a queue's items through the API under their own tokens: labels become the
/// predictions' ground truth (source human) in the online metrics, two labellers' agreement is
/// Cohen's kappa, disagreements wait for review, undo takes a label back, and the application's
/// feedback wins unless the queue prefers its people.
/// </summary>
public sealed class LabellingTests
{
    [Fact]
    public async Task TwoLabellers_TheirKappa_TheReviewList_AndTheLabelsInOnlineMetrics()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        string ann, bob, reader;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            ann = (await storage.Tokens.CreateTokenAsync("ann", TokenScope.Write, null, CancellationToken.None)).Secret;
            bob = (await storage.Tokens.CreateTokenAsync("bob", TokenScope.Write, null, CancellationToken.None)).Secret;
            reader = (await storage.Tokens.CreateTokenAsync("viewer", TokenScope.Read, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home, token: ann);
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest("pairs", endpoint, LabelStrategies.Random, "400/minute", WindowSeconds: 3, Double: 1, Since: since, Seed: 9));
        var rows = (await LabelStreams.PredictAsync(server, endpoint, 100, seed: 4)).ToDictionary(r => r.Id);
        var items = await LabelStreams.SampledAsync(server.Client, "pairs", since + 3000);
        Assert.Equal(20, items.Count);
        Assert.All(items, i => Assert.Equal(2, i.Item.LabelsNeeded));

        // Unauthenticated, or with a read token, nobody labels.
        var path = $"/api/v1/label-queues/pairs/items/{items[0].Item.PredictionId}/labels";
        using (var anonymous = new HttpClient { BaseAddress = server.Address })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync(path, new { label = "left" })).StatusCode);
        }
        await Assert.ThrowsAsync<Gyre.Client.GyreApiException>(() => server.ClientWithToken(reader).Labels.LabelAsync("pairs", items[0].Item.PredictionId, "left"));

        // Ann labels by the rule the data follows; Bob agrees on most and says "left" on every fourth.
        using var annClient = server.ClientWithToken(ann);
        using var bobClient = server.ClientWithToken(bob);
        // Asking at once, they are offered different items; a reader is only shown one, and holds none.
        var shown = (await server.ClientWithToken(reader).Labels.NextAsync("pairs"))!.Item.PredictionId;
        var annOffered = (await annClient.Labels.NextAsync("pairs"))!.Item.PredictionId;
        var bobOffered = (await bobClient.Labels.NextAsync("pairs"))!.Item.PredictionId;
        Assert.Equal(shown, annOffered);
        Assert.NotEqual(annOffered, bobOffered);
        Assert.Equal(annOffered, (await annClient.Labels.NextAsync("pairs"))!.Item.PredictionId);
        var truth = new Dictionary<string, string>();
        var bobs = new Dictionary<string, string>();
        for (var k = 0; k < 20; k++)
        {
            var task = await annClient.Labels.NextAsync("pairs");
            Assert.NotNull(task);
            var row = rows[task.Item.PredictionId];
            truth[row.Id] = ServingModels.Churns(row.Tenure, row.Plan) ? "left" : "stayed";
            var outcome = await annClient.Labels.LabelAsync("pairs", row.Id, truth[row.Id]);
            Assert.True(outcome.Changed);
            Assert.Equal(LabelItemStates.Open, outcome.Item.State);
        }
        Assert.Null(await annClient.Labels.NextAsync("pairs"));
        var order = 0;
        while (await bobClient.Labels.NextAsync("pairs") is { } task)
        {
            var id = task.Item.PredictionId;
            bobs[id] = order++ % 4 == 3 ? "left" : truth[id];
            Assert.Equal("ann", Assert.Single(task.Labels).Labeller);
            await bobClient.Labels.LabelAsync("pairs", id, bobs[id]);
        }
        Assert.Equal(20, bobs.Count);

        // Cohen's kappa, computed here from its definition: (p_o - p_e) / (1 - p_e).
        var pairs = truth.Keys.Select(id => (A: truth[id], B: bobs[id])).ToList();
        var observed = pairs.Count(p => p.A == p.B) / 20.0;
        var chance = new[] { "left", "stayed" }.Sum(c => pairs.Count(p => p.A == c) / 20.0 * (pairs.Count(p => p.B == c) / 20.0));
        var kappa = (observed - chance) / (1 - chance);
        var status = await server.Client.Labels.GetQueueAsync("pairs");
        Assert.Equal(20, status.Agreement.Compared);
        Assert.Equal(pairs.Count(p => p.A == p.B), status.Agreement.Agreed);
        Assert.Equal(kappa, status.Agreement.Kappa!.Value, 1e-12);
        Assert.True(kappa is > 0 and < 1, $"kappa {kappa}");
        var annAgreement = status.Agreement.Labellers.Single(l => l.Labeller == "ann");
        Assert.Equal((20, 0, 20), (annAgreement.Labels, annAgreement.Skips, annAgreement.Compared));
        Assert.Equal(kappa, annAgreement.Kappa!.Value, 1e-12);

        // The disagreements wait for review; the agreed items are done, their label the predictions' ground truth.
        var disagreed = truth.Keys.Where(id => truth[id] != bobs[id]).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(disagreed);
        var review = (await server.Client.Labels.ListItemsAsync("pairs", LabelItemStates.Review)).Items;
        Assert.Equal(disagreed, review.Select(i => i.Item.PredictionId).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(20 - disagreed.Count, status.Items[LabelItemStates.Done]);
        await server.Client.Labels.ResolveAsync("pairs", disagreed[0], truth[disagreed[0]]);
        Assert.Equal(LabelItemStates.Done, (await server.Client.Labels.ListItemsAsync("pairs", LabelItemStates.Done, 100)).Items.Single(i => i.Item.PredictionId == disagreed[0]).Item.State);

        var labelled = truth.Keys.Where(id => truth[id] == bobs[id] || id == disagreed[0]).ToList();
        var online = await TestServer.JsonAsync(await server.Http.GetAsync($"/api/v1/endpoints/{endpoint}/online-metrics"));
        var variant = online.GetProperty("variants")[0];
        Assert.Equal(labelled.Count, variant.GetProperty("labelled").GetInt32());
        var accuracy = labelled.Count(id => rows[id].Answer.GetProperty("label").GetString() == truth[id]) / (double)labelled.Count;
        Assert.Equal(accuracy, variant.GetProperty("value").GetDouble(), 1e-12);
        var logged = (await server.Client.Endpoints.ListPredictionsAsync(endpoint)).Items.Single(p => p.Prediction.PredictionId == labelled[0]);
        Assert.Equal((JsonSerializer.Serialize(truth[labelled[0]]), "human"), (logged.Actual, logged.FeedbackSource));
    }
}
