using Gyre.Core.Errors;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Batching;
using Gyre.Core.Serving.Gateway;

namespace Gyre.Core.Serving.Endpoints;

/// <summary>
/// Creates, lists and deletes endpoints, and keeps the gateway's router in step with the store.
/// An endpoint is stored only after its model has loaded and answered a sample row; at start every
/// stored endpoint is loaded again, and one whose model no longer loads is reported failed (503 on
/// its routes) rather than stopping the server. Changes made by other replicas reach the router
/// through <see cref="SyncAsync"/>. Router changes take turns, so that a sync never puts back an
/// older snapshot over a change this replica is making.
/// </summary>
public sealed class EndpointService(IEndpointStore store, IRegistryStore registry, ModelHost host, EndpointRouter router, FeatureLookups lookups, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _turns = new(1, 1);

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
        problems.AddRange(request.Batching?.Problems() ?? []);
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
        var features = request.Features is null ? null : await lookups.CheckAsync(request.Features, ct);
        if (router.TryGet(request.Name!, out _) || router.FailureOf(request.Name!) is not null)
        {
            throw GyreException.AlreadyExists($"endpoint '{request.Name}' already exists");
        }

        var version = await reference!.ResolveAsync(registry, ct);
        var predictor = await host.AcquireAsync(version.Name, version.Version, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var variant = EndpointVariant.Of(version.Name, version.Version, 100);
        var endpoint = new Endpoint(request.Name!, reference.ToString(), request.Description, logMode, [variant], now, now, request.Batching, features);
        await _turns.WaitAsync(ct);
        try
        {
            await store.CreateEndpointAsync(endpoint, ct);
            router.Set(new ServedEndpoint(endpoint, [predictor]));
        }
        catch
        {
            host.Release(version.Name, version.Version);
            throw;
        }
        finally
        {
            _turns.Release();
        }
        return new EndpointStatus(endpoint, EndpointStates.Ready, null);
    }

    public async Task<EndpointStatus> GetAsync(string name, CancellationToken ct) => Status(await store.GetEndpointAsync(name, ct));

    public async Task<IReadOnlyList<EndpointStatus>> ListAsync(CancellationToken ct) => [.. (await store.ListEndpointsAsync(ct)).Select(Status)];

    /// <summary>Deletes an endpoint; callers keep this in turn with variant changes (the rollout controller does).</summary>
    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        await _turns.WaitAsync(ct);
        try
        {
            await store.DeleteEndpointAsync(name, ct);
            Unserve(name);
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>
    /// Replaces an endpoint's variants: new versions are loaded and warmed up first, then the store
    /// and the router switch in one step each, then versions no longer used are let go (after a
    /// grace time, so requests in flight finish). A version that fails to load changes nothing.
    /// </summary>
    public async Task<Endpoint> SetVariantsAsync(string name, string model, IReadOnlyList<EndpointVariant> variants, CancellationToken ct)
    {
        var served = await host.AcquireAllAsync(variants, ct);
        await _turns.WaitAsync(ct);
        try
        {
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
            Replace(new ServedEndpoint(updated, served));
            return updated;
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>
    /// Sets how concurrent requests share an endpoint's model calls (null: each model's default).
    /// The new snapshot holds its models again before the old lets go, so nothing is reloaded.
    /// </summary>
    public async Task<Endpoint> SetBatchingAsync(string name, BatchSettings? batching, CancellationToken ct)
    {
        GyreException.ThrowIfAny(batching?.Problems() ?? []);
        return await ChangeAsync(() => store.SetBatchingAsync(name, batching, ct), ct);
    }

    /// <summary>Sets the features the gateway looks up for each row (null: none), checked against the feature groups first.</summary>
    public async Task<Endpoint> SetFeaturesAsync(string name, FeatureLookup? features, CancellationToken ct)
    {
        var checkedFeatures = features is null ? null : await lookups.CheckAsync(features, ct);
        return await ChangeAsync(() => store.SetFeaturesAsync(name, checkedFeatures, ct), ct);
    }

    /// <summary>A change of an endpoint's settings, in turn: stored, then served by a new snapshot that holds its models again before the old lets go.</summary>
    private async Task<Endpoint> ChangeAsync(Func<Task<Endpoint>> change, CancellationToken ct)
    {
        await _turns.WaitAsync(ct);
        try
        {
            var updated = await change();
            Replace(new ServedEndpoint(updated, await host.AcquireAllAsync(updated.Variants, ct)));
            return updated;
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>Loads every stored endpoint into the router; returns how many serve.</summary>
    public async Task<int> StartAsync(CancellationToken ct)
    {
        await SyncAsync(ct);
        return router.All.Count;
    }

    /// <summary>
    /// Brings the router in line with the store: endpoints created or changed elsewhere (another
    /// replica) are loaded and switched to, deleted ones are dropped, and ones that already match
    /// are left alone. An endpoint whose models do not load is marked failed with the reason.
    /// </summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        await _turns.WaitAsync(ct);
        try
        {
            var stored = await store.ListEndpointsAsync(ct);
            foreach (var endpoint in stored)
            {
                if (!router.TryGet(endpoint.Name, out var served) || !Same(served.Endpoint, endpoint))
                {
                    await ServeAsync(endpoint, ct);
                }
            }
            var names = stored.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in router.Names.Where(n => !names.Contains(n)).ToList())
            {
                Unserve(gone);
            }
        }
        finally
        {
            _turns.Release();
        }
    }

    /// <summary>Loads an endpoint's variants and puts it in the router; on failure it is marked failed with the reason.</summary>
    private async Task ServeAsync(Endpoint endpoint, CancellationToken ct)
    {
        try
        {
            Replace(new ServedEndpoint(endpoint, await host.AcquireAllAsync(endpoint.Variants, ct)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Unserve(endpoint.Name);
            router.SetFailed(endpoint.Name, e.Message);
        }
    }

    /// <summary>Switches the router to a new snapshot, then lets go of the versions the old one held (after their grace time).</summary>
    private void Replace(ServedEndpoint endpoint)
    {
        var old = router.TryGet(endpoint.Endpoint.Name, out var current) ? current.Endpoint.Variants : [];
        router.Set(endpoint);
        host.ReleaseAll(old);
    }

    private void Unserve(string name)
    {
        if (router.Remove(name) is { } removed)
        {
            host.ReleaseAll(removed.Endpoint.Variants);
        }
    }

    /// <summary>Whether two records of an endpoint serve alike (records compare lists by reference, so the variants are compared here).</summary>
    private static bool Same(Endpoint a, Endpoint b) =>
        a.Model == b.Model && a.LogMode == b.LogMode && a.Description == b.Description && a.LastUpdateTime == b.LastUpdateTime && a.Variants.SequenceEqual(b.Variants)
        && Equals(a.Batching, b.Batching) && SameFeatures(a.Features, b.Features);

    private static bool SameFeatures(FeatureLookup? a, FeatureLookup? b) =>
        a is null || b is null ? a is null && b is null : a.MissingPolicy == b.MissingPolicy && (a.Lookup ?? []).SequenceEqual(b.Lookup ?? []);

    private EndpointStatus Status(Endpoint endpoint) => router.FailureOf(endpoint.Name) is { } reason
        ? new EndpointStatus(endpoint, EndpointStates.Failed, reason)
        : new EndpointStatus(endpoint, router.TryGet(endpoint.Name, out _) ? EndpointStates.Ready : EndpointStates.Loading, null);

    public void Dispose() => _turns.Dispose();
}
