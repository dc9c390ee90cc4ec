namespace Gyre.Core.Serving.Endpoints;

/// <summary>
/// <c>POST /api/v1/endpoints</c>: a name, the model (<c>NAME@ALIAS</c> or <c>NAME/VERSION</c>), how
/// predictions are logged (default durable), and how concurrent requests share model calls
/// (default: each model's own; <c>{"max_rows": 1}</c> is off), and the features looked up by entity key (default none).
/// </summary>
public sealed record CreateEndpointRequest(string? Name, string? Model, string? Description = null, string? LogMode = null, Batching.BatchSettings? Batching = null,
    Features.Lookups.FeatureLookup? Features = null);

/// <summary>An endpoint and whether the gateway serves it: <c>ready</c>, or <c>failed</c> with the reason (a model that no longer loads).</summary>
public sealed record EndpointStatus(Endpoint Endpoint, string State, string? Reason);
