using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Storage.Tests.Contract;

/// <summary>A run a trigger fired is stored with the trigger's new state, in one transaction: both or neither.</summary>
public abstract class PipelineStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task ARunAndItsTriggerState_AreStoredTogether_OrNotAtAll()
    {
        await using var s = await OpenAsync();
        var store = s.Storage.Pipelines;
        await store.SavePipelineAsync(new StoredPipeline("retrain", "d1", "name: retrain", null, 1_000, 1_000, new TriggerState(1_000, DatasetVersion: 3)), CancellationToken.None);

        var fired = new TriggerState(2_000, DatasetVersion: 4);
        var run = await store.CreateRunAsync(Run("retrain"), fired, CancellationToken.None);
        Assert.Equal(fired, (await store.GetPipelineAsync("retrain", CancellationToken.None)).Triggers);
        Assert.Equal([run.Id], (await store.ListRunsAsync("retrain", 10, CancellationToken.None)).Select(r => r.Id));

        // A run started by hand leaves the triggers where they are.
        await store.CreateRunAsync(Run("retrain"), null, CancellationToken.None);
        Assert.Equal(fired, (await store.GetPipelineAsync("retrain", CancellationToken.None)).Triggers);

        // The pipeline deleted between the check and the run: the run is not stored either.
        await store.DeletePipelineAsync("retrain", CancellationToken.None);
        var error = await Assert.ThrowsAsync<GyreException>(() => store.CreateRunAsync(Run("retrain"), new TriggerState(3_000), CancellationToken.None));
        Assert.Equal(ErrorCode.NotFound, error.Code);
        Assert.Equal(2, (await store.ListRunsAsync("retrain", 10, CancellationToken.None)).Count);
    }

    private static PipelineRun Run(string pipeline) =>
        new(0, pipeline, "d1", RunStates.Running, new RunTrigger("dataset", "new version"), new Dictionary<string, string>(), false, [], 2_000);
}
