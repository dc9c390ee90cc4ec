namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// One run of a pipeline at one version of its file (<c>Digest</c>): what started it, the
/// parameters set for it, and each step's state and artifacts. The record is saved at every step
/// change, so that a server killed mid-run finds it on restart and marks it interrupted.
/// <c>Attempt</c> counts resumes.
/// </summary>
public sealed record PipelineRun(
    long Id,
    string Pipeline,
    string Digest,
    string State,
    RunTrigger Trigger,
    IReadOnlyDictionary<string, string> Params,
    bool NoCache,
    IReadOnlyList<StepRun> Steps,
    long CreationTime,
    long? StartTime = null,
    long? EndTime = null,
    string? Error = null,
    int Attempt = 1)
{
    public StepRun Step(string id) => Steps.First(s => s.Id == id);

    public PipelineRun WithStep(StepRun step) => this with { Steps = [.. Steps.Select(s => s.Id == step.Id ? step : s)] };

    public bool Finished => RunStates.Finished.Contains(State);
}
