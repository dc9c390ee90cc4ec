namespace Gyre.Core.Serving.Endpoints;

/// <summary>Where endpoints are kept. Names are unique; a write replaces an endpoint's variants in one step.</summary>
public interface IEndpointStore
{
    /// <summary>already_exists when the name is taken.</summary>
    Task CreateEndpointAsync(Endpoint endpoint, CancellationToken ct);

    /// <summary>not_found when there is no such endpoint.</summary>
    Task<Endpoint> GetEndpointAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<Endpoint>> ListEndpointsAsync(CancellationToken ct);

    /// <summary>Replaces the variants (and the followed model reference); not_found when there is no such endpoint.</summary>
    Task<Endpoint> UpdateEndpointAsync(string name, string model, IReadOnlyList<EndpointVariant> variants, CancellationToken ct);

    /// <summary>Sets how concurrent requests share model calls (null: each model's default); not_found when there is no such endpoint.</summary>
    Task<Endpoint> SetBatchingAsync(string name, Batching.BatchSettings? batching, CancellationToken ct);

    /// <summary>not_found when there is no such endpoint.</summary>
    /// <summary>Sets the features the gateway looks up for the endpoint's rows (null: none); raises the routing version.</summary>
    Task<Endpoint> SetFeaturesAsync(string name, Features.Lookups.FeatureLookup? features, CancellationToken ct);

    Task DeleteEndpointAsync(string name, CancellationToken ct);
}
