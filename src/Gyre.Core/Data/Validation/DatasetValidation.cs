namespace Gyre.Core.Data.Validation;

/// <summary>
/// Runs a suite against a stored version: checks the suite against the schema, measures, judges,
/// and records the outcome on the version (<c>validated</c>, or <c>failed</c> when an error
/// constraint failed, so that nothing trains on it).
/// </summary>
public sealed class DatasetValidation(IDatasetStore store, IDatasetObjectStore objects, IConstraintMeasurer measurer, TimeProvider time)
{
    public async Task<ValidationReport> ValidateAsync(string name, long version, ValidationSuite? suite, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        var constraints = SuiteChecks.Validate(suite, found.Columns);
        var observed = await measurer.MeasureAsync(await objects.LocalPathAsync(found.Digest, found.Format, ct), found, constraints, ct);
        var results = constraints.Select((c, i) =>
        {
            var (passed, expectation) = SuiteChecks.Judge(c, observed[i]);
            return new ConstraintResult(i, c.Type!, c.Column, c.Severity, passed, observed[i], expectation);
        }).ToList();
        var errorFailed = results.Any(r => !r.Passed && r.Severity == ConstraintSeverity.Error);
        var status = errorFailed ? ValidationStatuses.Failed : results.Any(r => !r.Passed) ? ValidationStatuses.PassedWithWarnings : ValidationStatuses.Passed;
        var report = new ValidationReport(found.Name, found.Version, status, results, time.GetUtcNow().ToUnixTimeMilliseconds());
        await store.SetValidationAsync(name, found.Version, errorFailed ? DatasetStatuses.Failed : DatasetStatuses.Validated, report, ct);
        return report;
    }
}
