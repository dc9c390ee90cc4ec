namespace Gyre.Core.Tracking;

/// <summary>A data set a run read: what it is (name, digest, source) and how it was used (context, e.g. "train").</summary>
public sealed record DatasetInput(string Name, string Digest, string? Source = null, string? Context = null)
{
    /// <summary>The dataset and version of an input Gyre recorded as <c>name@version</c>; null for a name of another form.</summary>
    public (string Dataset, long Version)? TryDatasetVersion()
    {
        var at = Name.LastIndexOf('@');
        return at > 0 && long.TryParse(Name.AsSpan(at + 1), System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (Name[..at], version)
            : null;
    }

    /// <summary>The dataset and version of an input that Gyre's training recorded, which is always <c>name@version</c>.</summary>
    public (string Dataset, long Version) DatasetVersion() =>
        TryDatasetVersion() ?? throw new InvalidOperationException($"the run input '{Name}' does not name a dataset version (name@version)");
}
