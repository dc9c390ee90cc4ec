namespace Gyre.Core.Serving.Gateway;

/// <summary>The gateway's limits.</summary>
public sealed record GatewayOptions
{
    /// <summary>Rows in one request; more is a 413.</summary>
    public int MaxBatchRows { get; init; } = 10_000;

    /// <summary>Bytes in one request body; more is a 413.</summary>
    public long MaxBodyBytes { get; init; } = 8L << 20;

    /// <summary>Copies waiting for shadow variants; a copy that finds the queue full is dropped and counted.</summary>
    public int ShadowQueueCapacity { get; init; } = 1024;

    /// <summary>The request header whose value keeps a caller on one variant (A/B tests).</summary>
    public string RoutingKeyHeader { get; init; } = "X-Gyre-Routing-Key";

    /// <summary>The endpoint that MLflow's bare <c>POST /invocations</c> scores (<c>--invocations-endpoint</c>); none by default, when only <c>/endpoints/{name}/invocations</c> answers.</summary>
    public string? InvocationsEndpoint { get; init; }

    /// <summary>Each limit that cannot work, named; none when the gateway can start.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxBatchRows < 1)
        {
            problems.Add($"GatewayOptions.MaxBatchRows: expected 1 or more, got {MaxBatchRows}");
        }
        if (MaxBodyBytes < 1)
        {
            problems.Add($"GatewayOptions.MaxBodyBytes: expected 1 or more, got {MaxBodyBytes}");
        }
        if (ShadowQueueCapacity < 1)
        {
            problems.Add($"GatewayOptions.ShadowQueueCapacity: expected 1 or more, got {ShadowQueueCapacity}");
        }
        if (string.IsNullOrWhiteSpace(RoutingKeyHeader))
        {
            problems.Add("GatewayOptions.RoutingKeyHeader: expected a header name");
        }
        return problems;
    }
}
