using System.Collections.Concurrent;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Monitoring.Windows;

namespace Gyre.Core.Monitoring.Multivariate;

/// <summary>
/// Multivariate drift of a monitor's windows by PCA reconstruction error and a domain classifier. The reference's rows are
/// read once per reference version and set of columns (an even sample of at most
/// <see cref="MaxReferenceRows"/>) and the fit is kept in memory; each window's logged inputs are
/// encoded the same way and judged against it. Inputs logged as arrays (embeddings) go to the domain
/// classifier only, each dimension one more feature.
/// </summary>
public sealed class ReconstructionDrift(IDatasetStore datasets, IDatasetObjectStore objects, IFeatureFiles files, Learners.IVectorLearner learner)
{
    public const int MaxReferenceRows = 100_000;

    private readonly ConcurrentDictionary<string, PcaReference> _references = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, VectorReference> _vectors = new(StringComparer.Ordinal);

    /// <summary>
    /// The window's verdict, or why there is none; never fails the window. <paramref name="vectors"/> name the
    /// inputs logged as arrays (embeddings): the domain classifier learns from them beside the other features.
    /// </summary>
    public async Task<MultivariateDrift> CheckAsync(ReferenceStatistics reference, IReadOnlyList<ColumnReference> columns, IReadOnlyList<string> vectors,
        LoggedColumns window, MultivariateSettings? settings, CancellationToken ct)
    {
        var usable = columns.Where(c => c.Type is not (ColumnType.Text or ColumnType.Datetime)).ToList();
        var classifier = settings?.ClassifierEnabled ?? true;
        var noPca = $"multivariate drift needs at least two numeric or categorical features; the window has {usable.Count}";
        if (usable.Count < 2 && (vectors.Count == 0 || !classifier))
        {
            return new MultivariateDrift(MultivariateDrift.Pca, Missing: noPca);
        }
        try
        {
            MultivariateDrift verdict;
            List<double[]> rows;
            IReadOnlyList<double[]>? sample = null;
            if (usable.Count >= 2)
            {
                var pca = await ReferenceAsync(reference, usable, ct);
                rows = EncodedColumn.EncodeRows(pca.Columns, window);
                verdict = pca.Judge(rows);
                sample = pca.Sample;
            }
            else
            {
                (verdict, rows) = (new MultivariateDrift(MultivariateDrift.Pca, Missing: noPca), [.. Enumerable.Range(0, window.Count).Select(_ => Array.Empty<double>())]);
            }
            if (!classifier)
            {
                return verdict;
            }
            if (vectors.Count > 0)
            {
                var embedded = await VectorsAsync(reference, vectors, ct);
                // The same reference rows on both sides: the PCA's sample and the vectors' were read with one stride.
                sample = sample is null ? embedded.Sample : [.. sample.Zip(embedded.Sample, (a, b) => (double[])[.. a, .. b])];
                var encoded = embedded.Encode(window);
                rows = [.. rows.Select((row, i) => (double[])[.. row, .. encoded[i]])];
            }
            return verdict with
            {
                Classifier = DomainClassifier.Check(sample!, rows, learner, settings?.Threshold ?? DomainClassifier.DefaultThreshold) with { Vectors = vectors.Count > 0 ? vectors : null },
            };
        }
        catch (GyreException e) when (e.Code is ErrorCode.InvalidArgument or ErrorCode.NotFound)
        {
            return new MultivariateDrift(MultivariateDrift.Pca, Missing: e.Message);
        }
    }

    private async Task<VectorReference> VectorsAsync(ReferenceStatistics reference, IReadOnlyList<string> names, CancellationToken ct)
    {
        var key = $"{reference.Dataset}@{reference.Version}|vectors|{string.Join('\u001f', names)}";
        if (_vectors.TryGetValue(key, out var known))
        {
            return known;
        }
        var (version, path, stride) = await FileAsync(reference, ct);
        using var file = files.Open(path, version.Format, ct);
        return _vectors[key] = VectorReference.Fit(names, VectorColumn.Read(file, names, stride));
    }

    /// <summary>The reference's file, and the stride that reads at most <see cref="MaxReferenceRows"/> of its rows.</summary>
    private async Task<(DatasetVersion Version, string Path, int Stride)> FileAsync(ReferenceStatistics reference, CancellationToken ct)
    {
        var version = await datasets.GetVersionAsync(reference.Dataset, reference.Version, ct);
        return (version, await objects.LocalPathAsync(version.Digest, version.Format, ct), (int)Math.Max(1, (version.Rows + MaxReferenceRows - 1) / MaxReferenceRows));
    }

    private async Task<PcaReference> ReferenceAsync(ReferenceStatistics reference, IReadOnlyList<ColumnReference> columns, CancellationToken ct)
    {
        var key = $"{reference.Dataset}@{reference.Version}|{string.Join('\u001f', columns.Select(c => c.Name))}";
        if (_references.TryGetValue(key, out var known))
        {
            return known;
        }
        var (version, path, stride) = await FileAsync(reference, ct);
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
