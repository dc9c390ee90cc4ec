using Gyre.Core.Artifacts;
using Gyre.Core.Auth;
using Gyre.Core.Data;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Gyre.Storage.Artifacts;
using Gyre.Storage.Data;
using Gyre.Storage.Sqlite;

namespace Gyre.Storage;

/// <summary>
/// The embedded stores of one Gyre home, opened and migrated. Built once at start and shared;
/// every store in it is safe to use from many threads.
/// </summary>
public sealed class GyreStorage : IDisposable
{
    private readonly SqliteDatabase _database;
    private int _disposed;

    private GyreStorage(GyreHome home, SqliteDatabase database, TimeProvider time, Random random)
    {
        Home = home;
        _database = database;
        Tracking = new SqliteTrackingStore(database, time, random);
        Registry = new SqliteRegistryStore(database, time);
        Tokens = new SqliteTokenStore(database, time);
        Artifacts = new FileSystemArtifactStore(home.ArtifactsPath);
        Datasets = new SqliteDatasetStore(database, time);
        DatasetObjects = new DatasetObjectStore(home.DatasetsPath);
        var spill = Directory.CreateDirectory(Path.Combine(home.DatasetsPath, "spill")).FullName;
        DatasetReader = new DuckDbDatasetReader(spill);
        ConstraintMeasurer = new DuckDbConstraintMeasurer(spill);
        DatasetSplitter = new DuckDbDatasetSplitter(spill);
        ReferenceComputer = new DuckDbReferenceComputer(spill);
        FeatureFiles = new DuckDbFeatureFiles(spill);
        Scratch = new Core.Artifacts.ScratchSpace(Path.Combine(home.Root, "tmp"));
        DatasetExporter = new DuckDbDatasetExporter(spill);
        Endpoints = new SqliteEndpointStore(database, time);
        Rollouts = new SqliteRolloutStore(database);
        Traffic = new Serving.SqliteTrafficStore(database);
        PredictionLog = Serving.SqlitePredictionLog.Open(home.PredictionLogPath, time);
        Pipelines = new Storage.Pipelines.SqlitePipelineStore(database);
        Lineage = new Storage.Pipelines.SqliteLineageStore(database, time);
        StepLogs = new Storage.Pipelines.FileStepLogs(Path.Combine(home.Root, "pipeline-logs"));
        Monitors = new Storage.Monitoring.SqliteMonitorStore(database);
        Policies = new Storage.Monitoring.SqlitePolicyStore(database);
    }

    public GyreHome Home { get; }

    public ITrackingStore Tracking { get; }

    public IRegistryStore Registry { get; }

    public ITokenStore Tokens { get; }

    public IArtifactStore Artifacts { get; }

    public IDatasetStore Datasets { get; }

    public IDatasetObjectStore DatasetObjects { get; }

    public IDatasetReader DatasetReader { get; }

    public Core.Data.Validation.IConstraintMeasurer ConstraintMeasurer { get; }

    public Core.Data.Splits.IDatasetSplitter DatasetSplitter { get; }

    public Core.Data.Reference.IReferenceComputer ReferenceComputer { get; }

    public Core.Learning.Training.IDatasetExporter DatasetExporter { get; }

    public Core.Models.IFeatureFiles FeatureFiles { get; }

    /// <summary>The home's scratch folder, on the stores' disk.</summary>
    public Core.Artifacts.ScratchSpace Scratch { get; }

    public Core.Serving.Endpoints.IEndpointStore Endpoints { get; }

    public Core.Serving.Rollouts.IRolloutStore Rollouts { get; }

    /// <summary>The prediction log; disposing the storage writes what it has queued.</summary>
    public Core.Serving.Log.IPredictionLog PredictionLog { get; }

    public Core.Pipelines.Runs.IPipelineStore Pipelines { get; }

    public Core.Pipelines.Lineage.ILineageStore Lineage { get; }

    public Core.Pipelines.Runs.IStepLogs StepLogs { get; }

    public Core.Monitoring.Monitors.IMonitorStore Monitors { get; }

    public Core.Serving.Traffic.ITrafficStore Traffic { get; }

    public Core.Monitoring.Policies.IPolicyStore Policies { get; }

    /// <summary>Opens the home (creating it if needed) and applies any pending schema migrations.</summary>
    public static async Task<GyreStorage> OpenAsync(GyreHome home, TimeProvider? time = null, Random? random = null, CancellationToken ct = default)
    {
        var storage = Create(home, time, random);
        try
        {
            await storage.MigrateAsync(ct);
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>Opens the home (creating it if needed) without touching its database: <see cref="MigrateAsync"/> comes before any store is used.</summary>
    public static GyreStorage Create(GyreHome home, TimeProvider? time = null, Random? random = null)
    {
        home.EnsureExists();
        return new GyreStorage(home, new SqliteDatabase(home.DatabasePath), time ?? TimeProvider.System, random ?? new Random());
    }

    /// <summary>Applies any pending schema migrations.</summary>
    public Task MigrateAsync(CancellationToken ct) => SqliteMigrator.MigrateAsync(_database, ct);

    /// <summary>Writes what the prediction log has queued and closes the stores; disposing again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        ((IDisposable)PredictionLog).Dispose();
        _database.Dispose();
    }
}
