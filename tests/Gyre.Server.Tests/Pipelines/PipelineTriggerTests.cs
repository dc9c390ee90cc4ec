using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Pipelines.Runs;
using Gyre.Server.Tests.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>Triggers fire on the server's clock, which the test moves: schedules, new dataset versions, feedback counts.</summary>
public sealed class PipelineTriggerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(time: _time);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<IReadOnlyList<PipelineRun>> RunsAfterAsync(string name, TimeSpan advance, int expected)
    {
        // The worker checks triggers every 5 s of server time; moving the clock in steps lets each check run.
        for (var moved = TimeSpan.Zero; moved < advance; moved += TimeSpan.FromSeconds(5))
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var runs = (await _server.Client.Pipelines.ListRunsAsync(name)).Items;
            if (runs.Count >= expected || timeout.IsCancellationRequested)
            {
                return runs;
            }
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Schedule_FiresOncePerDueTime_AndRecordsIt()
    {
        using var work = PipelineWorkspace.Create(_server);
        var name = Unique.Name("cron");
        await work.SaveAsync($"name: {name}\ntriggers: {{schedule: '*/10 * * * *'}}\nsteps:\n  - {{id: a, uses: command, with: {{run: 'true'}}}}\n");

        var runs = await RunsAfterAsync(name, TimeSpan.FromMinutes(10), expected: 1);

        var run = Assert.Single(runs);
        Assert.Equal(TriggerTypes.Schedule, run.Trigger.Type);
        Assert.Equal("'*/10 * * * *' due at 2026-11-28T10:10:00.0000000+00:00", run.Trigger.Detail);
    }

    [Fact]
    public async Task NewDatasetVersion_StartsTheRun_ThatReadsIt()
    {
        using var work = PipelineWorkspace.Create(_server);
        var dataset = Unique.Name("fresh");
        await AddAsync(dataset, "x,y\n1,2\n");
        var name = Unique.Name("ondata");
        await work.SaveAsync($"name: {name}\ntriggers: {{dataset: {dataset}}}\nsteps:\n  - {{id: data, uses: ingest, with: {{dataset: '{dataset}@latest'}}}}\n");

        // The version that existed when the pipeline was saved does not fire it.
        Assert.Empty(await RunsAfterAsync(name, TimeSpan.FromSeconds(10), expected: 0));
        await AddAsync(dataset, "x,y\n1,2\n3,4\n");
        var runs = await RunsAfterAsync(name, TimeSpan.FromSeconds(10), expected: 1);

        var run = Assert.Single(runs);
        Assert.Equal(new RunTrigger(TriggerTypes.Dataset, $"new version {dataset}@2"), run.Trigger);
        var done = await work.WaitAsync(run.Id);
        Assert.Equal($"dataset:{dataset}@2", done.Step("data").Outputs![0].Uri);
    }

    [Fact]
    public async Task EnoughNewFeedback_StartsARetraining_OnThePredictionsJoinedWithTheirActuals()
    {
        using var work = PipelineWorkspace.Create(_server);
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var name = Unique.Name("retrain");
        var dataset = Unique.Name("served");
        await work.SaveAsync($$$"""
            name: {{{name}}}
            params: {label: churned}
            triggers: {feedback: {endpoint: {{{endpoint}}}, count: 3}}
            steps:
              - {id: data, uses: ingest, with: {dataset: {{{dataset}}}, endpoint: {{{endpoint}}}, since: 1d}}
              - {id: train, uses: train, needs: [data], with: {task: binary, hyperparameters: {min_data_per_leaf: 1} }}
            """);
        var rows = Enumerable.Range(0, 40).Select(i => new Dictionary<string, object?> { ["tenure"] = i * 2, ["plan"] = i % 3 == 0 ? "pro" : "basic", ["extra"] = i }).ToList();
        var answer = await _server.Client.Endpoints.PredictAsync(endpoint, rows);
        // Two reports are not enough; the trigger waits for three.
        await _server.Client.Endpoints.FeedbackAsync(endpoint, answer.PredictionIds.Take(2).Select((id, i) => (id, (object)(ServingModels.Churns(i * 2, i % 3 == 0 ? "pro" : "basic") ? "left" : "stayed"))));
        Assert.Empty(await RunsAfterAsync(name, TimeSpan.FromSeconds(10), expected: 0));
        await _server.Client.Endpoints.FeedbackAsync(endpoint, answer.PredictionIds.Skip(2).Select((id, i) => (id, (object)(ServingModels.Churns((i + 2) * 2, (i + 2) % 3 == 0 ? "pro" : "basic") ? "left" : "stayed"))));

        var run = Assert.Single(await RunsAfterAsync(name, TimeSpan.FromSeconds(10), expected: 1));

        Assert.Equal(TriggerTypes.Feedback, run.Trigger.Type);
        Assert.Equal($"40 new predictions with feedback on '{endpoint}'", run.Trigger.Detail);
        var done = await work.WaitAsync(run.Id);
        Assert.True(done.State == RunStates.Succeeded, done.Error);
        var version = await _server.Client.Datasets.GetVersionAsync(dataset, 1);
        Assert.Equal(40, version.Rows);
        Assert.Equal(["tenure", "plan", "extra", "churned"], version.Columns.Select(c => c.Name));
        Assert.Equal($"model:{name}/1", done.Step("train").Outputs![0].Uri);
    }

    private async Task AddAsync(string dataset, string csv)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await _server.Client.Datasets.AddAsync(dataset, stream, DatasetFormat.Csv);
    }
}
