using Gyre.Core.Artifacts;
using Gyre.Core.Auth;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Gyre.Storage.Auth;
using Gyre.Storage.Data;
using Gyre.Storage.Registry;
using Gyre.Storage.Serving;
using Gyre.Storage.Sql;
using Gyre.Storage.Tracking;

namespace Gyre.Storage;

/// <summary>
/// The stores of one Gyre home: metadata in its SQLite file or in a PostgreSQL database, files
/// under the home. Built once at start and shared; every store in it is safe to use from many threads.
/// </summary>
public sealed class GyreStorage : IDisposable
{
    private readonly SqlDatabase _database;
    private readonly bool _shared;
    private readonly Lazy<PredictionLog> _predictionLog;
    private readonly Storage.Features.MappedVectorIndexes _vectorIndexes;
    private readonly FileStores _files;
    private readonly Serving.SqlRoutingChanges _routing;
    private readonly Storage.Pipelines.SqlRunJobs _runJobs;
    private int _disposed;

    private GyreStorage(GyreHome home, SqlBackend backend, FileStores files, TimeProvider time, Random random)
    {
        Home = home;
        var database = backend.Database;
        _database = database;
        _shared = backend.IsShared;
        Tracking = new SqlTrackingStore(database, backend.MetricWriter, time, random);
        Registry = new SqlRegistryStore(database, time);
        Tokens = new SqlTokenStore(database, time);
        _files = files;
        Artifacts = files.Artifacts;
        Datasets = new SqlDatasetStore(database, time);
        DatasetObjects = files.Datasets;
        var spill = Directory.CreateDirectory(Path.Combine(home.DatasetsPath, "spill")).FullName;
        DatasetReader = new DuckDbDatasetReader(spill);
        ConstraintMeasurer = new DuckDbConstraintMeasurer(spill);
        PairCounter = new DuckDbPairCounter(spill);
        TrainingSetJoiner = new Storage.Features.DuckDbTrainingSetJoiner(spill);
        FeatureMaterializer = new Storage.Features.DuckDbFeatureMaterializer(spill);
        DatasetSplitter = new DuckDbDatasetSplitter(spill);
        ReferenceComputer = new DuckDbReferenceComputer(spill);
        FeatureFiles = new DuckDbFeatureFiles(spill);
        Scratch = new Core.Artifacts.ScratchSpace(Path.Combine(home.Root, "tmp"));
        DatasetExporter = new DuckDbDatasetExporter(spill);
        Endpoints = new SqlEndpointStore(database, time);
        Rollouts = new SqlRolloutStore(database);
        _routing = new Serving.SqlRoutingChanges(database);
        _runJobs = new Storage.Pipelines.SqlRunJobs(database);
        Traffic = new Serving.SqlTrafficStore(database);
        TrafficTotals = new Serving.SqlTrafficTotalsStore(database);
        // Opened on first use, once the stores are prepared: on PostgreSQL its tables come with a
        // migration, and a command that never logs (gyre tokens) never replays the home's journal.
        // Its writer threads outlive whatever opened it, so they start unfenced (LeaseFence).
        _predictionLog = new Lazy<PredictionLog>(() =>
        {
            using var unfenced = Core.Coordination.LeaseFence.Suspend();
            return Serving.PredictionLog.Open(backend.PredictionTables(home), home.PredictionLogPath, time);
        });
        Pipelines = new Storage.Pipelines.SqlPipelineStore(database);
        Lineage = new Storage.Pipelines.SqlLineageStore(database, time);
        var stepLogs = new Storage.Pipelines.FileStepLogs(Path.Combine(home.Root, "pipeline-logs"));
        // With the artifacts in an object store or a folder of their own, logs are kept there too, where every server
        // reads them; with the home's own folder the log file is already where every reader of this home looks.
        StepLogs = files.Shared ? new Storage.Pipelines.StoredStepLogs(stepLogs, files.Artifacts) : stepLogs;
        Monitors = new Storage.Monitoring.SqlMonitorStore(database);
        Policies = new Storage.Monitoring.SqlPolicyStore(database);
        FeatureGroups = new Storage.Features.SqlFeatureGroupStore(database);
        OnlineFeatures = new Storage.Features.SqlOnlineFeatureStore(database);
        Labels = new Storage.Labelling.SqlLabelStore(database);
        _vectorIndexes = new Storage.Features.MappedVectorIndexes(OnlineFeatures, Path.Combine(spill, "vectors"));
        Leases = new Storage.Coordination.SqlLeaseStore(database);
    }

    public GyreHome Home { get; }

    /// <summary>The metadata database, for work across stores (gc).</summary>
    internal SqlDatabase Database => _database;

    /// <summary>Where the metadata is: the home's SQLite file, or a PostgreSQL host and database.</summary>
    public string DatabaseLocation => _database.Location;

    /// <summary>Whether the metadata is in the home's own SQLite file (which migrates itself), not a shared database.</summary>
    public bool IsEmbedded => !_shared;

    public ITrackingStore Tracking { get; }

    public IRegistryStore Registry { get; }

    public ITokenStore Tokens { get; }

    public IArtifactStore Artifacts { get; }

    public IDatasetStore Datasets { get; }

    public IDatasetObjectStore DatasetObjects { get; }

    public IDatasetReader DatasetReader { get; }

    public Core.Data.Validation.IConstraintMeasurer ConstraintMeasurer { get; }

    public IPairCounter PairCounter { get; }

    public Core.Features.ITrainingSetJoiner TrainingSetJoiner { get; }

    public Core.Features.IFeatureGroupStore FeatureGroups { get; }

    public Core.Features.Online.IOnlineFeatureStore OnlineFeatures { get; }

    public Core.Labelling.ILabelStore Labels { get; }

    public Core.Features.Online.IFeatureMaterializer FeatureMaterializer { get; }

    public Core.Features.Vectors.IVectorIndexes VectorIndexes => _vectorIndexes;

    public Core.Data.Splits.IDatasetSplitter DatasetSplitter { get; }

    public Core.Data.Reference.IReferenceComputer ReferenceComputer { get; }

    public Core.Learning.Training.IDatasetExporter DatasetExporter { get; }

    public Core.Models.IFeatureFiles FeatureFiles { get; }

    /// <summary>The home's scratch folder, on the stores' disk.</summary>
    public Core.Artifacts.ScratchSpace Scratch { get; }

    public Core.Serving.Endpoints.IEndpointStore Endpoints { get; }

    public Core.Serving.Rollouts.IRolloutStore Rollouts { get; }

    /// <summary>The prediction log, opened on first use; disposing the storage writes what it has queued.</summary>
    public Core.Serving.Log.IPredictionLog PredictionLog => _predictionLog.Value;

    public Core.Pipelines.Runs.IPipelineStore Pipelines { get; }

    public Core.Pipelines.Lineage.ILineageStore Lineage { get; }

    public Core.Pipelines.Runs.IStepLogs StepLogs { get; }

    public Core.Monitoring.Monitors.IMonitorStore Monitors { get; }

    public Core.Serving.Traffic.ITrafficStore Traffic { get; }

    /// <summary>Every replica's running traffic totals, for canary analysis across replicas.</summary>
    public Core.Serving.Traffic.ITrafficTotalsStore TrafficTotals { get; }

    public Core.Monitoring.Policies.IPolicyStore Policies { get; }

    public Core.Coordination.ILeaseStore Leases { get; }

    /// <summary>The routing version and the wake-ups that tell replicas endpoints changed.</summary>
    public Core.Serving.Endpoints.IRoutingChanges RoutingChanges => _routing;

    /// <summary>Pipeline runs waiting for a worker.</summary>
    public Core.Pipelines.Runs.IRunJobs RunJobs => _runJobs;

    /// <summary>Opens the home (creating it if needed) and applies any pending schema migrations.</summary>
    public static async Task<GyreStorage> OpenAsync(GyreHome home, TimeProvider? time = null, Random? random = null, DatabaseOptions? database = null,
        ArtifactStoreOptions? artifacts = null, CancellationToken ct = default)
    {
        var storage = Create(home, time, random, database, artifacts);
        try
        {
            await storage.PrepareAsync(migrateShared: true, ct);
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>Opens the home (creating it if needed) without touching its database: <see cref="MigrateAsync"/> comes before any store is used.</summary>
    public static GyreStorage Create(GyreHome home, TimeProvider? time = null, Random? random = null, DatabaseOptions? database = null, ArtifactStoreOptions? artifacts = null)
    {
        home.EnsureExists();
        var files = (artifacts ?? new ArtifactStoreOptions()).Open(home);
        try
        {
            return new GyreStorage(home, (database ?? new DatabaseOptions()).Open(home), files, time ?? TimeProvider.System, random ?? new Random());
        }
        catch
        {
            files.Bucket?.Dispose();
            throw;
        }
    }

    /// <summary>Applies any pending schema migrations.</summary>
    public Task MigrateAsync(CancellationToken ct) => _database.MigrateAsync(ct);

    /// <summary>
    /// Makes the stores ready for use. The home's SQLite file migrates itself. A shared database
    /// migrates only when <paramref name="migrateShared"/> says so (<c>--migrate</c>), because other
    /// processes on an older Gyre may still be using it; otherwise an older schema is refused with
    /// one line that says what to run.
    /// </summary>
    public async Task PrepareAsync(bool migrateShared, CancellationToken ct)
    {
        await PrepareArtifactsAsync(ct);
        if (IsEmbedded || migrateShared)
        {
            await MigrateAsync(ct);
            return;
        }
        var version = await SchemaVersionAsync(ct);
        if (version < NewestSchemaVersion)
        {
            var state = version == 0 ? "has no Gyre schema yet" : $"has schema version {version}, older than this gyre's {NewestSchemaVersion}";
            throw new GyreException(ErrorCode.Conflict,
                $"the database {DatabaseLocation} {state}: run `gyre migrate --database URL` first (or start the server with --migrate)");
        }
        if (version > NewestSchemaVersion)
        {
            throw new GyreException(ErrorCode.Conflict,
                $"the database {DatabaseLocation} has schema version {version}, newer than this gyre knows ({NewestSchemaVersion}): upgrade gyre");
        }
    }

    /// <summary>An object store's bucket or container is created when missing; when it cannot be, the start fails naming it.</summary>
    private async Task PrepareArtifactsAsync(CancellationToken ct)
    {
        if (_files.Bucket is { } bucket)
        {
            await bucket.EnsureExistsAsync(ct);
        }
    }

    /// <summary>The schema version the metadata database is at (0 when empty).</summary>
    public Task<int> SchemaVersionAsync(CancellationToken ct) => _database.SchemaVersionAsync(ct);

    /// <summary>The newest schema version this Gyre knows.</summary>
    public static int NewestSchemaVersion => Sql.Sqlite.SqliteMigrations.All[^1].Version;

    /// <summary>Writes what the prediction log has queued and closes the stores; disposing again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (_predictionLog.IsValueCreated)
        {
            _predictionLog.Value.Dispose();
        }
        _routing.Dispose();
        _runJobs.Dispose();
        _vectorIndexes.Dispose();
        _database.Dispose();
        _files.Bucket?.Dispose();
    }
}
