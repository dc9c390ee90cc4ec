using Gyre.Tests.Shared;

namespace Gyre.Storage.Tests.Postgres;

/// <summary>The pool's connections die with a restarted server; the first calls after it must not fail for that.</summary>
public sealed class PostgresRestartTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task AfterTheServerRestarts_TheFirstReadAndTheFirstWrite_Succeed()
    {
        await using var cluster = await OwnPostgresCluster.StartAsync();
        using var home = new TempHome();
        using var storage = await GyreStorage.OpenAsync(home.Home, database: new DatabaseOptions(cluster.Url));
        await storage.Tracking.CreateExperimentAsync("before", [], None);

        // The pool now holds a connection the restart will cut.
        await cluster.HaltAsync();
        await cluster.ResumeAsync();
        Assert.Equal("before", (await storage.Tracking.GetExperimentByNameAsync("before", None)).Name);

        await cluster.HaltAsync();
        await cluster.ResumeAsync();
        var created = await storage.Tracking.CreateExperimentAsync("after", [], None);
        // Written exactly once, though the first attempt's connection was dead.
        Assert.Equal(created.ExperimentId, (await storage.Tracking.GetExperimentByNameAsync("after", None)).ExperimentId);
        var all = await storage.Tracking.SearchExperimentsAsync(new Gyre.Core.Tracking.ExperimentSearch(), None);
        Assert.Equal(["after", "before", "Default"], all.Items.Select(e => e.Name));
    }
}
