namespace Gyre.Core.Data.Validation;

/// <summary>The outcomes of a validation (<see cref="ValidationReport.Status"/>), as the API writes them.</summary>
public static class ValidationStatuses
{
    public const string Passed = "passed";

    /// <summary>Only warning constraints failed.</summary>
    public const string PassedWithWarnings = "passed_with_warnings";

    /// <summary>An error constraint failed.</summary>
    public const string Failed = "failed";
}
