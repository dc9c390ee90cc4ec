using Gyre.Core.Artifacts;
using Gyre.Core.Auth;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Splits;
using Gyre.Core.Data.Validation;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Serving.Traffic;
using Gyre.Core.Tracking;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Storage;

/// <summary>Where Gyre keeps what it stores.</summary>
/// <param name="Home">The home folder; null resolves <c>$GYRE_HOME</c>, then <c>.gyre/</c>.</param>
/// <param name="Database">Where the metadata lives; the home's SQLite file unless a PostgreSQL URL is given.</param>
/// <param name="Artifacts">Where run artifacts and model packages live; the home's folder unless an object store is given.</param>
public sealed record StorageOptions(string? Home, DatabaseOptions? Database = null, ArtifactStoreOptions? Artifacts = null);

/// <summary>The storage wiring: the one place that chooses the backend of every store.</summary>
public static class StorageServices
{
    /// <summary>
    /// Every store port: SQLite in the home or PostgreSQL (<see cref="StorageOptions.Database"/>) for metadata, files for artifacts and
    /// datasets, DuckDB for reading data, the prediction log. The stores open when first asked for
    /// and close with the container; <see cref="GyreStorage.MigrateAsync"/> must run before they are used.
    /// </summary>
    public static IServiceCollection AddGyreStorage(this IServiceCollection services, StorageOptions options)
    {
        var home = GyreHome.Resolve(options.Home);
        services.AddSingleton(sp => GyreStorage.Create(home, sp.GetRequiredService<TimeProvider>(), database: options.Database, artifacts: options.Artifacts));
        Forward<ITrackingStore>(s => s.Tracking);
        Forward<IRegistryStore>(s => s.Registry);
        Forward<ITokenStore>(s => s.Tokens);
        Forward<IArtifactStore>(s => s.Artifacts);
        Forward<IDatasetStore>(s => s.Datasets);
        Forward<IDatasetObjectStore>(s => s.DatasetObjects);
        Forward<IDatasetReader>(s => s.DatasetReader);
        Forward<IConstraintMeasurer>(s => s.ConstraintMeasurer);
        Forward<IPairCounter>(s => s.PairCounter);
        Forward<IDatasetSplitter>(s => s.DatasetSplitter);
        Forward<IReferenceComputer>(s => s.ReferenceComputer);
        Forward<IDatasetExporter>(s => s.DatasetExporter);
        Forward<IFeatureFiles>(s => s.FeatureFiles);
        Forward<ScratchSpace>(s => s.Scratch);
        Forward<IEndpointStore>(s => s.Endpoints);
        Forward<IRolloutStore>(s => s.Rollouts);
        Forward<IRoutingChanges>(s => s.RoutingChanges);
        Forward<IRunJobs>(s => s.RunJobs);
        Forward<ITrafficStore>(s => s.Traffic);
        Forward<ITrafficTotalsStore>(s => s.TrafficTotals);
        Forward<IPredictionLog>(s => s.PredictionLog);
        Forward<IPipelineStore>(s => s.Pipelines);
        Forward<ILineageStore>(s => s.Lineage);
        Forward<IStepLogs>(s => s.StepLogs);
        Forward<Core.Coordination.ILeaseStore>(s => s.Leases);
        Forward<IMonitorStore>(s => s.Monitors);
        Forward<IPolicyStore>(s => s.Policies);
        Forward<Core.Features.IFeatureGroupStore>(s => s.FeatureGroups);
        Forward<Core.Features.ITrainingSetJoiner>(s => s.TrainingSetJoiner);
        Forward<Core.Features.Online.IOnlineFeatureStore>(s => s.OnlineFeatures);
        Forward<Core.Features.Online.IFeatureMaterializer>(s => s.FeatureMaterializer);
        Forward<Core.Features.Vectors.IVectorIndexes>(s => s.VectorIndexes);
        Forward<Core.Labelling.ILabelStore>(s => s.Labels);
        return services;

        void Forward<T>(Func<GyreStorage, T> store) where T : class =>
            services.AddSingleton(sp => store(sp.GetRequiredService<GyreStorage>()));
    }
}
