namespace Gyre.Core.Pipelines.Runs;

/// <summary>The run record as steps change it from several tasks: one change at a time, each saved before the next.</summary>
internal sealed class RunProgress(PipelineRun run, IPipelineStore store) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public PipelineRun Run { get; private set; } = run;

    public async Task UpdateAsync(Func<PipelineRun, PipelineRun> change)
    {
        await _gate.WaitAsync();
        try
        {
            var next = change(Run);
            if (!ReferenceEquals(next, Run))
            {
                // Saved even when the run is being cancelled: the record must say where it stopped.
                await store.SaveRunAsync(next, CancellationToken.None);
                Run = next;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task UpdateStepAsync(string id, Func<StepRun, StepRun> change) => UpdateAsync(r => r.WithStep(change(r.Step(id))));

    public void Dispose() => _gate.Dispose();
}
