namespace Gyre.Storage;

/// <summary>
/// The folder that holds one Gyre installation's state: <c>gyre.db</c> (SQLite metadata),
/// <c>artifacts/</c> and <c>datasets/</c>. Chosen by <c>--home</c>, else <c>$GYRE_HOME</c>, else <c>.gyre/</c> in the working folder.
/// </summary>
public sealed record GyreHome(string Root)
{
    public string DatabasePath => Path.Combine(Root, "gyre.db");

    public string ArtifactsPath => Path.Combine(Root, "artifacts");

    public string DatasetsPath => Path.Combine(Root, "datasets");

    /// <summary>The prediction log: its own SQLite file, so the hot path's writes never queue behind metadata.</summary>
    public string PredictionLogPath => Path.Combine(Root, "predictions.db");

    /// <summary>The artifact store the home's files were moved to (<c>gyre home move --artifacts-to</c>): its URL, one line.</summary>
    public string ArtifactStorePath => Path.Combine(Root, "artifact-store");

    /// <summary>The artifact store recorded by a move, or null while the home keeps its files itself.</summary>
    public string? RecordedArtifactStore() =>
        File.Exists(ArtifactStorePath) && File.ReadAllText(ArtifactStorePath).Trim() is { Length: > 0 } url ? url : null;

    public static GyreHome Resolve(string? explicitHome)
    {
        var root = !string.IsNullOrWhiteSpace(explicitHome) ? explicitHome
            : Environment.GetEnvironmentVariable("GYRE_HOME") is { Length: > 0 } fromEnv ? fromEnv
            : ".gyre";
        return new GyreHome(Path.GetFullPath(root));
    }

    public GyreHome EnsureExists()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(ArtifactsPath);
        return this;
    }
}
