using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Pipelines.Runs;
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

    private async Task AddAsync(string dataset, string csv)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await _server.Client.Datasets.AddAsync(dataset, stream, DatasetFormat.Csv);
    }
}
