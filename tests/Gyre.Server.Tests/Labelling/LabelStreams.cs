using System.Text.Json;
using Gyre.Client;
using Gyre.Core.Labelling;

namespace Gyre.Server.Tests.Labelling;

/// <summary>Seeded traffic for labelling tests, and waiting for a queue's sampler.</summary>
internal static class LabelStreams
{
    public static readonly string[] Plans = ["basic", "plus", "pro"];

    /// <summary>Sends <paramref name="count"/> seeded churn rows in one request; returns each row's id, plan, tenure and answer.</summary>
    public static async Task<List<(string Id, string Plan, int Tenure, JsonElement Answer)>> PredictAsync(TestServer server, string endpoint, int count, int seed,
        Func<Random, string>? plan = null, Func<Random, int>? tenure = null)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ => (Tenure: tenure?.Invoke(random) ?? random.Next(72), Plan: plan?.Invoke(random) ?? Plans[random.Next(3)])).ToList();
        var answer = await server.Client.Endpoints.PredictAsync(endpoint,
            rows.Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["tenure"] = r.Tenure, ["plan"] = r.Plan }));
        return [.. rows.Select((r, i) => (answer.PredictionIds[i], r.Plan, r.Tenure, answer.Predictions[i]))];
    }

    /// <summary>Waits (up to 30 s) until the queue's sampler has read past <paramref name="until"/>; returns its items.</summary>
    public static async Task<IReadOnlyList<LabelledItem>> SampledAsync(GyreClient client, string queue, long until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.Labels.GetQueueAsync(queue)).SampledUntil < until)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the queue '{queue}' was not sampled past {until} in 30 s");
            await Task.Delay(200);
        }
        return (await client.Labels.ListItemsAsync(queue, maxResults: 10_000)).Items;
    }

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
