using Gyre.Core.Coordination;
using Gyre.Core.Pipelines.Runs;
using Gyre.Server.Hosting;
using Gyre.Storage;
using Gyre.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>An API replica without the worker role queues the runs it starts; a worker replica on the same database claims and runs them.</summary>
public sealed class PipelineWorkerTests
{
    [SkippableFact]
    public async Task ARunStartedOnAnApiReplica_IsRunByAWorker()
    {
        await using var database = await TestPostgres.CreateAsync();
        var artifacts = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        ServerOptions Shared(ServerOptions o, ReplicaRoles roles) => o with
        {
            Database = new DatabaseOptions(database.Url),
            Migrate = true,
            Artifacts = new ArtifactStoreOptions(new Uri(artifacts).AbsoluteUri),
            Replica = new ReplicaOptions { Roles = roles },
        };
        await using var api = await TestServer.StartAsync(o => Shared(o, ReplicaRoles.Api | ReplicaRoles.Gateway));
        await using var worker = await TestServer.StartAsync(o => Shared(o, ReplicaRoles.Worker));
        try
        {
            using var work = PipelineWorkspace.Create(api);
            var name = Unique.Name("queued");
            await work.SaveAsync($"name: {name}\nsteps:\n  - {{id: hello, uses: command, with: {{run: 'echo ran by $GYRE_RUN_ID'}}}}\n");

            var run = await work.RunAsync(name);

            Assert.Equal(RunStates.Succeeded, run.State);
            Assert.Contains("ran by", await api.Client.Pipelines.GetLogsAsync(run.Id, "hello"), StringComparison.Ordinal);
            // The worker claimed it: the run's lease names the worker's process, and the queue is empty.
            var holder = (string?)await database.ScalarAsync($"SELECT holder FROM {database.Schema}.leases WHERE name = 'pipeline-run:{run.Id}'");
            Assert.Equal(worker.Services.GetRequiredService<ReplicaOptions>().Holder, holder);
            Assert.Equal(0L, await database.ScalarAsync($"SELECT COUNT(*) FROM {database.Schema}.pipeline_jobs"));
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
