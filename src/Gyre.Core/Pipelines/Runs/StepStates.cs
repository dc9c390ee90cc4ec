namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// A step is <c>pending</c>, <c>running</c> (possibly retrying), then <c>succeeded</c>,
/// <c>cached</c> (its outputs reused), <c>failed</c>, <c>skipped</c> (a step it needs failed or
/// stopped it), <c>cancelled</c> or <c>interrupted</c>.
/// </summary>
public static class StepStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Cached = "cached";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public const string Cancelled = "cancelled";
    public const string Interrupted = "interrupted";
}
