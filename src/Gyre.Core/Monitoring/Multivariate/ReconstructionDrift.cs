using System.Collections.Concurrent;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// Multivariate drift of a monitor's windows by PCA reconstruction error and a domain classifier. The reference's rows are
/// read once per reference version and set of columns (an even sample of at most
/// <see cref="MaxReferenceRows"/>) and the fit is kept in memory; each window's logged inputs are
/// encoded the same way and judged against it.
/// </summary>
public sealed class ReconstructionDrift(IDatasetStore datasets, IDatasetObjectStore objects, IFeatureFiles files, Learners.IVectorLearner learner)
{
    public const int MaxReferenceRows = 100_000;

    private readonly ConcurrentDictionary<string, PcaReference> _references = new(StringComparer.Ordinal);

    /// <summary>The window's verdict, or why there is none; never fails the window.</summary>
    public async Task<MultivariateDrift> CheckAsync(ReferenceStatistics reference, IReadOnlyList<ColumnReference> columns, IReadOnlyList<JsonElement> inputs,
        MultivariateSettings? settings, CancellationToken ct)
    {
        var usable = columns.Where(c => c.Type is not (ColumnType.Text or ColumnType.Datetime)).ToList();
        if (usable.Count < 2)
        {
            return new MultivariateDrift(MultivariateDrift.Pca, Missing: $"multivariate drift needs at least two numeric or categorical features; the window has {usable.Count}");
        }
        try
        {
            var pca = await ReferenceAsync(reference, usable, ct);
            var rows = inputs.Select(row => EncodedColumn.EncodeRow(pca.Columns, row)).ToList();
            var verdict = pca.Judge(rows);
            return settings?.ClassifierEnabled ?? true
                ? verdict with { Classifier = DomainClassifier.Check(pca.Sample, rows, learner, settings?.Threshold ?? DomainClassifier.DefaultThreshold) }
                : verdict;
        }
        catch (GyreException e) when (e.Code is ErrorCode.InvalidArgument or ErrorCode.NotFound)
        {
            return new MultivariateDrift(MultivariateDrift.Pca, Missing: e.Message);
        }
    }

    private async Task<PcaReference> ReferenceAsync(ReferenceStatistics reference, IReadOnlyList<ColumnReference> columns, CancellationToken ct)
    {
        var key = $"{reference.Dataset}@{reference.Version}|{string.Join('\u001f', columns.Select(c => c.Name))}";
        if (_references.TryGetValue(key, out var known))
        {
            return known;
        }
        var version = await datasets.GetVersionAsync(reference.Dataset, reference.Version, ct);
        var path = await objects.LocalPathAsync(version.Digest, version.Format, ct);
        var stride = (int)Math.Max(1, (version.Rows + MaxReferenceRows - 1) / MaxReferenceRows);
        ReferenceColumns read;
        using (var file = files.Open(path, version.Format, ct))
        {
            read = ReferenceColumns.Read(file, [.. columns.Select(c => (c.Name, IsCategorical(c)))], stride);
        }
        if (read.Rows.Count < 2 * columns.Count)
        {
            throw GyreException.Invalid($"reference: {reference.Dataset}@{reference.Version} has {read.Rows.Count} rows; PCA on {columns.Count} features needs at least {2 * columns.Count}");
        }
        var fitted = PcaReference.Fit($"{reference.Dataset}@{reference.Version}", read.Encodings, read.Rows);
        _references[key] = fitted;
        return fitted;
    }

    public static bool IsCategorical(ColumnReference column) => column.Type is not (ColumnType.Integer or ColumnType.Float);
}
