namespace Gyre.Core.Monitoring.Webhooks;

/// <summary>
/// How policies' webhooks are delivered: off the monitoring loop, by a few workers from a bounded
/// queue, each attempt bounded by <see cref="AttemptTimeout"/> and each delivery, retries and their
/// backoff included, by <see cref="Deadline"/>. <see cref="Allow"/> opens destinations that are
/// refused by default (loopback, link-local, private and unique-local addresses): addresses,
/// networks (<c>10.0.0.0/8</c>) or host names.
/// </summary>
public sealed record WebhookOptions
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxConcurrent { get; init; } = 4;

    public int QueueCapacity { get; init; } = 1000;

    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>The longest timeout or deadline (timers on the server's clock go no further).</summary>
    public static readonly TimeSpan MaxTime = TimeSpan.FromDays(30);

    /// <summary>Every setting that is out of its range, named.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (AttemptTimeout <= TimeSpan.Zero || AttemptTimeout > MaxTime)
        {
            problems.Add($"webhooks.attempt_timeout: expected more than 0 and at most 30 days, got {AttemptTimeout}");
        }
        if (Deadline < AttemptTimeout || Deadline > MaxTime)
        {
            problems.Add($"webhooks.deadline: expected at least the attempt timeout and at most 30 days, got {Deadline}");
        }
        if (MaxConcurrent is < 1 or > 64)
        {
            problems.Add($"webhooks.max_concurrent: expected 1 to 64, got {MaxConcurrent}");
        }
        if (QueueCapacity is < 1 or > 1_000_000)
        {
            problems.Add($"webhooks.queue_capacity: expected 1 to 1000000, got {QueueCapacity}");
        }
        return problems;
    }
}
