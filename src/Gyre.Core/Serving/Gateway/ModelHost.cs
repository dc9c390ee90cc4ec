using System.Collections.Concurrent;
using Gyre.Core.Models;
using Gyre.Core.Registry;

namespace Gyre.Core.Serving.Gateway;

/// <summary>
/// Keeps the model versions that endpoints serve loaded, once each however many variants use
/// them. A version is loaded, checked and warmed up (it answers a sample row) before anyone gets
/// it. When its last user lets go it is disposed after a grace time, so that requests already
/// holding it finish: a switch of versions under load fails no request.
/// </summary>
public sealed class ModelHost(IRegistryStore registry, ModelImport packages, IModelRuntime runtime, TimeProvider time) : IDisposable
{
    /// <summary>How long a released model stays usable by requests that already hold it.</summary>
    public static readonly TimeSpan ReleaseGrace = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string, long), Hosted> _models = new();
    private readonly Lock _gate = new();

    /// <summary>Loads (or shares) a version; invalid_argument or conflict when its package cannot be served.</summary>
    public async Task<IPredictor> AcquireAsync(string name, long version, CancellationToken ct)
    {
        var key = (name, version);
        Hosted hosted;
        lock (_gate)
        {
            hosted = _models.GetOrAdd(key, _ => new Hosted(LoadAsync(name, version)));
            hosted.Users++;
        }
        try
        {
            return await hosted.Loading.WaitAsync(ct);
        }
        catch
        {
            Release(name, version);
            throw;
        }
    }

    /// <summary>Loads every variant's version, in the variants' order; on a failure, lets go of those already loaded and throws.</summary>
    public async Task<IReadOnlyList<IPredictor>> AcquireAllAsync(IReadOnlyList<Endpoints.EndpointVariant> variants, CancellationToken ct)
    {
        var loaded = new List<IPredictor>();
        try
        {
            foreach (var variant in variants)
            {
                loaded.Add(await AcquireAsync(variant.ModelName, variant.ModelVersion, ct));
            }
            return loaded;
        }
        catch
        {
            ReleaseAll([.. variants.Take(loaded.Count)]);
            throw;
        }
    }

    public void ReleaseAll(IReadOnlyList<Endpoints.EndpointVariant> variants)
    {
        foreach (var variant in variants)
        {
            Release(variant.ModelName, variant.ModelVersion);
        }
    }

    public void Release(string name, long version)
    {
        Hosted? retired = null;
        lock (_gate)
        {
            if (_models.TryGetValue((name, version), out var hosted) && --hosted.Users == 0)
            {
                _models.TryRemove((name, version), out _);
                retired = hosted;
            }
        }
        if (retired is not null)
        {
            _ = DisposeLaterAsync(retired.Loading);
        }
    }

    public void Dispose()
    {
        foreach (var hosted in _models.Values.Where(h => h.Loading.IsCompletedSuccessfully))
        {
            hosted.Loading.Result.Dispose();
        }
        _models.Clear();
    }

    private async Task<IPredictor> LoadAsync(string name, long version)
    {
        await Task.Yield();
        var found = await registry.GetVersionAsync(name, version, CancellationToken.None);
        var package = await packages.GetPackageAsync(name, version, CancellationToken.None);
        var bytes = await packages.ReadModelAsync(found, package, CancellationToken.None);
        var predictor = runtime.Load(package, bytes);
        try
        {
            WarmUp(predictor);
            return predictor;
        }
        catch
        {
            predictor.Dispose();
            throw;
        }
    }

    /// <summary>One sample row (zeros and empty text) through the model: the first real request pays no first-call costs, and a model that cannot answer is found now.</summary>
    private static void WarmUp(IPredictor predictor)
    {
        var columns = predictor.Inputs.Select(c => c.Text ? new FeatureColumn(c.Name, null, [""]) : new FeatureColumn(c.Name, [0.0], null)).ToList();
        predictor.Predict(new FeatureBatch(1, columns));
    }

    private async Task DisposeLaterAsync(Task<IPredictor> loading)
    {
        try
        {
            var predictor = await loading;
            await Task.Delay(ReleaseGrace, time);
            predictor.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A model that never loaded has nothing to dispose.
        }
    }

    private sealed class Hosted(Task<IPredictor> loading)
    {
        public Task<IPredictor> Loading { get; } = loading;

        public int Users { get; set; }
    }
}
