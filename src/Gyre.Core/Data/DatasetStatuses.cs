namespace Gyre.Core.Data;

/// <summary>The states of a dataset version (<see cref="DatasetVersion.Status"/>), as the API writes them.</summary>
public static class DatasetStatuses
{
    /// <summary>Stored and readable; not validated yet.</summary>
    public const string Ready = "ready";

    /// <summary>Every error constraint of the last validation passed.</summary>
    public const string Validated = "validated";

    /// <summary>An error constraint failed, or the columns do not match the declared schema: nothing trains on it.</summary>
    public const string Failed = "failed";
}
