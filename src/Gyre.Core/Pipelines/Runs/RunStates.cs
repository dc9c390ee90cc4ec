namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// A run is <c>queued</c> (waiting for another run of its pipeline), <c>running</c>, then
/// <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>; <c>interrupted</c> when the server stopped
/// under it, which a resume continues from the last finished step.
/// </summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Interrupted = "interrupted";

    public static readonly IReadOnlySet<string> Finished = new HashSet<string>([Succeeded, Failed, Cancelled, Interrupted]);
}
