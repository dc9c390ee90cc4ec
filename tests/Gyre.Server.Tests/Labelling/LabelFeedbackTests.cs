using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Labelling;
using Gyre.Server.Tests.Serving;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Tests.Labelling;

/// <summary>
/// A person's label as a prediction's ground truth, on both backends: a label and its double submit,
/// skip and undo (which takes the ground truth back), labels the queue refuses, and whose report wins
/// when the application sends feedback too.
/// </summary>
public abstract class LabelFeedbackTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    [SkippableFact]
    public async Task ALabel_ItsDoubleSubmit_Undo_AndBadLabels_AndTheApplicationsFeedbackWins()
    {
        var server = fixture.Server;
        var (one, ours) = (Unique.Name("one"), Unique.Name("ours"));
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest(one, endpoint, LabelStrategies.Random, "100/minute", WindowSeconds: 3, Since: since, Seed: 1));
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest(ours, endpoint, LabelStrategies.Random, "100/minute", WindowSeconds: 3, Since: since, Seed: 1,
            Prefer: LabelPreferences.Human));
        await LabelStreams.PredictAsync(server, endpoint, 30, seed: 2);
        var items = await LabelStreams.SampledAsync(server.Client, one, since + 3000);
        await LabelStreams.SampledAsync(server.Client, ours, since + 3000);
        var (first, second) = (items[0].Item.PredictionId, items[1].Item.PredictionId);

        async Task<string> RefusedAsync(string path, object body, HttpStatusCode status)
        {
            var response = await server.Http.PostAsJsonAsync(path, body);
            Assert.Equal(status, response.StatusCode);
            return (await TestServer.JsonAsync(response)).GetProperty("detail").GetString()!;
        }
        Assert.Equal("label: 'maybe' is not one of the model's classes (left, stayed)",
            await RefusedAsync($"/api/v1/label-queues/{one}/items/{first}/labels", new { label = "maybe" }, HttpStatusCode.BadRequest));
        Assert.Contains("label: expected one of left, stayed", await RefusedAsync($"/api/v1/label-queues/{one}/items/{first}/labels", new { }, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal($"prediction_id: the prediction 0000-nope is not an item of the labelling queue '{one}'",
            await RefusedAsync($"/api/v1/label-queues/{one}/items/0000-nope/labels", new { label = "left" }, HttpStatusCode.NotFound));
        Assert.Empty((await server.Client.Labels.GetQueueAsync(one)).Agreement.Labellers);

        // Labelled once; the second submit (even with another label) changes nothing.
        var created = await server.Http.PostAsJsonAsync($"/api/v1/label-queues/{one}/items/{first}/labels", new { label = "left" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var again = await server.Http.PostAsJsonAsync($"/api/v1/label-queues/{one}/items/{first}/labels", new { label = "stayed" });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var item = await server.Client.Labels.ListItemsAsync(one, LabelItemStates.Done);
        Assert.Equal(("\"left\"", "local"), (Assert.Single(item.Items).Item.Final, item.Items[0].Labels.Single().Labeller));
        Assert.Equal(("\"left\"", "human"), await ActualAsync(server, endpoint, first));

        // A skip, then undo takes the skip back; undo again takes the label back, and its ground truth with it.
        await server.Client.Labels.SkipAsync(one, second);
        Assert.NotEqual(second, (await server.Client.Labels.NextAsync(one))!.Item.PredictionId);
        Assert.Null((await server.Client.Labels.UndoAsync(one)).Item.Final);
        Assert.Equal(second, (await server.Client.Labels.NextAsync(one))!.Item.PredictionId);
        var undone = await server.Client.Labels.UndoAsync(one);
        Assert.Equal((first, LabelItemStates.Open), (undone.Item.PredictionId, undone.Item.State));
        Assert.Equal((null, null), await ActualAsync(server, endpoint, first));
        Assert.Contains("has no label or skip", await RefusedAsync($"/api/v1/label-queues/{one}/undo", new { }, HttpStatusCode.NotFound), StringComparison.Ordinal);

        // The application's feedback replaces a person's label, and a person's label never replaces it...
        await server.Client.Labels.LabelAsync(one, first, "left");
        await server.Client.Endpoints.FeedbackAsync(endpoint, [(first, "stayed")]);
        Assert.Equal(("\"stayed\"", "application"), await ActualAsync(server, endpoint, first));
        await server.Client.Labels.LabelAsync(one, second, "left");
        await server.Client.Endpoints.FeedbackAsync(endpoint, [(second, "stayed")]);
        await server.Client.Labels.UndoAsync(one);
        Assert.Equal(("\"stayed\"", "application"), await ActualAsync(server, endpoint, second));
        // ...unless the queue prefers its people: then their label replaces the application's, which cannot come back over it.
        await server.Client.Labels.LabelAsync(ours, first, "left");
        Assert.Equal(("\"left\"", "human"), await ActualAsync(server, endpoint, first));
        var result = await server.Client.Endpoints.FeedbackAsync(endpoint, [(first, "stayed")]);
        Assert.Equal((0, 1), (result.Accepted, result.Duplicates));
        Assert.Equal(("\"left\"", "human"), await ActualAsync(server, endpoint, first));
        // An unpinned queue's label does not replace it either; taking the pinned label back restores the application's report it had set aside.
        await server.Client.Labels.LabelAsync(one, second, "stayed");
        await server.Client.Labels.LabelAsync(ours, second, "left");
        await server.Client.Labels.UndoAsync(one);
        await server.Client.Labels.LabelAsync(one, second, "stayed");
        Assert.Equal(("\"left\"", "human"), await ActualAsync(server, endpoint, second));
        await server.Client.Labels.UndoAsync(ours);
        Assert.Equal(("\"stayed\"", "application"), await ActualAsync(server, endpoint, second));
        await server.Client.Labels.UndoAsync(ours);
        Assert.Equal(("\"stayed\"", "application"), await ActualAsync(server, endpoint, first));
    }

    [SkippableFact]
    public async Task ALabelWhoseFeedWasCutOff_IsFedByTheWorker_AndPeopleAtOnceLeaveTheFeedbackAsTheItemIs()
    {
        var server = fixture.Server;
        var (cut, pairs) = (Unique.Name("cut"), Unique.Name("pairs"));
        var endpoint = await ServingModels.CreateEndpointAsync(server, await ServingModels.TrainChurnAsync(server) + "/1");
        var since = LabelStreams.Now();
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest(cut, endpoint, LabelStrategies.Random, "100/minute", WindowSeconds: 3, Since: since, Seed: 1));
        await server.Client.Labels.CreateQueueAsync(new LabelQueueRequest(pairs, endpoint, LabelStrategies.Random, "100/minute", WindowSeconds: 3, Since: since, Seed: 2, Double: 1));
        await LabelStreams.PredictAsync(server, endpoint, 20, seed: 4);
        var id = (await LabelStreams.SampledAsync(server.Client, cut, since + 3000))[0].Item.PredictionId;
        var paired = (await LabelStreams.SampledAsync(server.Client, pairs, since + 3000)).Select(i => i.Item.PredictionId).First(p => p != id);

        // The label is written, and the process stops before its feed: the store alone, as the desk writes it first.
        var store = server.Services.GetRequiredService<ILabelStore>();
        var queue = (await store.GetQueueAsync(cut, CancellationToken.None))!.Value.Queue;
        await store.AddLabelAsync(new ItemLabel(cut, id, "ann", "\"left\"", LabelStreams.Now()), i => LabelConsolidation.Settle(i, queue), CancellationToken.None);
        Assert.Equal(("\"left\"", "human"), await EventuallyAsync(() => ActualAsync(server, endpoint, id), ("\"left\"", "human")));
        // So is an undo whose feed never happened: the worker takes the ground truth back.
        await store.UndoAsync(cut, "ann", i => LabelConsolidation.Settle(i, queue), CancellationToken.None);
        Assert.Equal((null, null), await EventuallyAsync(() => ActualAsync(server, endpoint, id), (null, null)));
        // Marked fed just after the feed: the count reaches 0 a moment later.
        Assert.Equal(0, await EventuallyAsync(async () => (await store.AllCountsAsync(CancellationToken.None))[cut].FeedbackBehind, 0L));
        Assert.Contains($"gyre_label_feedback_behind{{queue=\"{cut}\"}} 0\n", await server.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // Two people labelling and undoing one item at once: when both are answered, the feedback is the item's final label.
        var desk = server.Services.GetRequiredService<LabelDesk>();
        for (var round = 0; round < 8; round++)
        {
            var bobs = round % 2 == 0 ? "left" : "stayed";
            await Task.WhenAll(
                desk.SubmitAsync(pairs, paired, "ann", new LabelSubmission(JsonSerializer.SerializeToElement("left")), CancellationToken.None),
                desk.SubmitAsync(pairs, paired, "bob", new LabelSubmission(JsonSerializer.SerializeToElement(bobs)), CancellationToken.None));
            var both = (await store.GetItemAsync(pairs, paired, CancellationToken.None))!.Item;
            Assert.Equal(bobs == "left" ? "\"left\"" : null, both.Final);
            Assert.Equal(both.Final, (await ActualAsync(server, endpoint, paired)).Actual);
            await Task.WhenAll(desk.UndoAsync(pairs, "ann", CancellationToken.None), desk.UndoAsync(pairs, "bob", CancellationToken.None));
            Assert.Equal((null, null), await ActualAsync(server, endpoint, paired));
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, T expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        T value;
        while (!Equals(value = await read(), expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        return value;
    }

    private static async Task<(string? Actual, string? Source)> ActualAsync(TestServer server, string endpoint, string id)
    {
        var logged = (await server.Client.Endpoints.ListPredictionsAsync(endpoint)).Items.Single(p => p.Prediction.PredictionId == id);
        return (logged.Actual, logged.FeedbackSource);
    }
}

public sealed class LabelFeedbackTestsOnSqlite(ServerFixture fixture) : LabelFeedbackTests<ServerFixture>(fixture);

public sealed class LabelFeedbackTestsOnPostgres(PostgresServerFixture fixture) : LabelFeedbackTests<PostgresServerFixture>(fixture);
