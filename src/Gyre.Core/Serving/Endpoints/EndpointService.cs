using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Gateway;

namespace Gyre.Core.Serving.Endpoints;

/// <summary>
/// Creates, lists and deletes endpoints, and keeps the gateway's router in step with the store.
/// An endpoint is stored only after its model has loaded and answered a sample row; at start every
/// stored endpoint is loaded again, and one whose model no longer loads is reported failed (503 on
/// its routes) rather than stopping the server.
/// </summary>
public sealed class EndpointService(IEndpointStore store, IRegistryStore registry, ModelHost host, EndpointRouter router, TimeProvider time)
{
    public async Task<EndpointStatus> CreateAsync(CreateEndpointRequest request, CancellationToken ct)
    {
        var problems = new List<string>();
        if (EndpointNames.Check("name", request.Name) is { } badName)
        {
            problems.Add(badName);
        }
        var logMode = request.LogMode?.ToLowerInvariant() ?? LogModes.Durable;
        if (!LogModes.All.Contains(logMode))
        {
            problems.Add($"log_mode: expected {string.Join(" or ", LogModes.All)}, got '{request.LogMode}'");
        }
        ModelReference? reference = null;
        try
        {
            reference = ModelReference.Parse("model", request.Model);
        }
        catch (GyreException e)
        {
            problems.Add(e.Message);
        }
        GyreException.ThrowIfAny(problems);
        if (router.TryGet(request.Name!, out _) || router.FailureOf(request.Name!) is not null)
        {
            throw GyreException.AlreadyExists($"endpoint '{request.Name}' already exists");
        }

        var version = await reference!.ResolveAsync(registry, ct);
        var predictor = await host.AcquireAsync(version.Name, version.Version, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var variant = EndpointVariant.Of(version.Name, version.Version, 100);
        var endpoint = new Endpoint(request.Name!, reference.ToString(), request.Description, logMode, [variant], now, now);
        try
        {
            await store.CreateEndpointAsync(endpoint, ct);
        }
        catch
        {
            host.Release(version.Name, version.Version);
            throw;
        }
        router.Set(new ServedEndpoint(endpoint, [new ServedVariant(variant, predictor)]));
        return new EndpointStatus(endpoint, EndpointStates.Ready, null);
    }

    public async Task<EndpointStatus> GetAsync(string name, CancellationToken ct) => Status(await store.GetEndpointAsync(name, ct));

    public async Task<IReadOnlyList<EndpointStatus>> ListAsync(CancellationToken ct) => [.. (await store.ListEndpointsAsync(ct)).Select(Status)];

    /// <summary>Deletes an endpoint; callers keep this in turn with variant changes (the rollout controller does).</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        await store.DeleteEndpointAsync(name, ct);
        if (router.Remove(name) is { } removed)
        {
            host.ReleaseAll(removed.Endpoint.Variants);
        }
    }

    /// <summary>
    /// Replaces an endpoint's variants: new versions are loaded and warmed up first, then the store
    /// and the router switch in one step each, then versions no longer used are let go (after a
    /// grace time, so requests in flight finish). A version that fails to load changes nothing.
    /// </summary>
    public async Task<Endpoint> SetVariantsAsync(string name, string model, IReadOnlyList<EndpointVariant> variants, CancellationToken ct)
    {
        var old = router.TryGet(name, out var current) ? current.Endpoint.Variants : [];
        var served = await host.AcquireAllAsync(variants, ct);
        Endpoint updated;
        try
        {
            updated = await store.UpdateEndpointAsync(name, model, variants, ct);
        }
        catch
        {
            host.ReleaseAll(variants);
            throw;
        }
        router.Set(new ServedEndpoint(updated, served));
        host.ReleaseAll(old);
        return updated;
    }

    /// <summary>Loads every stored endpoint into the router; returns how many serve.</summary>
    public async Task<int> StartAsync(CancellationToken ct)
    {
        var serving = 0;
        foreach (var endpoint in await store.ListEndpointsAsync(ct))
        {
            serving += await ServeAsync(endpoint, ct) ? 1 : 0;
        }
        return serving;
    }

    /// <summary>Loads an endpoint's variants and puts it in the router; on failure it is marked failed with the reason.</summary>
    private async Task<bool> ServeAsync(Endpoint endpoint, CancellationToken ct)
    {
        try
        {
            router.Set(new ServedEndpoint(endpoint, await host.AcquireAllAsync(endpoint.Variants, ct)));
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            router.SetFailed(endpoint.Name, e.Message);
            return false;
        }
    }

    private EndpointStatus Status(Endpoint endpoint) => router.FailureOf(endpoint.Name) is { } reason
        ? new EndpointStatus(endpoint, EndpointStates.Failed, reason)
        : new EndpointStatus(endpoint, router.TryGet(endpoint.Name, out _) ? EndpointStates.Ready : EndpointStates.Loading, null);
}
