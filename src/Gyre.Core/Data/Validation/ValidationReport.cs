namespace Gyre.Core.Data.Validation;

/// <summary>
/// The outcome of a suite: <c>passed</c>, <c>passed_with_warnings</c> (only warnings failed) or
/// <c>failed</c> (an error constraint failed; the version is then marked failed). The latest report
/// is kept on the version (<see cref="DatasetVersion.Validation"/>).
/// </summary>
public sealed record ValidationReport(string Name, long Version, string Status, IReadOnlyList<ConstraintResult> Results, long Time = 0);
