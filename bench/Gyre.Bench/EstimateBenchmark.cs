using System.Globalization;
using System.Diagnostics;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Learners;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Multivariate;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Monitoring.Windows;
using Gyre.Learning;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Bench;

/// <summary>
/// The cost of CBPE, DLE and of the PCA reconstruction error on a window of 100,000 logged predictions,
/// side by side in each round with what the monitor already does to every window: the univariate
/// drift check of the same window's 20 features (16 numeric, 4 categorical), from the logged JSON as
/// the monitor reads it, column by column (DLE and the PCA encode the columns the univariate check
/// read, as the monitor does), and the same check as it was made before (a JSON document per row).
/// The calibration and the PCA fit are made once per served version or reference and timed apart.
/// Allocated bytes per step are the memory figure (the process's own GC counter).
/// </summary>
internal static class EstimateBenchmark
{
    private const int Rows = 100_000;

    public static void Run()
    {
        var random = new Random(4);
        string[] kinds = ["a", "b", "c", "d", "e"];
        string Input(double shift) => JsonSerializer.Serialize(Enumerable.Range(0, 20).ToDictionary(k => $"f{k}",
            k => k < 16 ? (object)((random.NextDouble() + shift) * (k + 1)) : kinds[random.Next(k - 14)]));
        var referenceInputs = Enumerable.Range(0, Rows).Select(_ => Input(0)).ToList();
        var windowInputs = Enumerable.Range(0, Rows).Select(_ => Input(0.05)).ToList();
        var outputs = Enumerable.Range(0, Rows).Select(_ => random.NextDouble()).Select(p => FormattableString.Invariant($"{{\"label\":\"{(p >= 0.5 ? "yes" : "no")}\",\"probability\":{p:R}}}")).ToList();
        var columns = Enumerable.Range(0, 20).Select(k => new ColumnReference($"f{k}", k < 16 ? ColumnType.Float : ColumnType.Categorical, 0, 0, 0)).ToList();
        var parsedReference = LoggedColumns.Read(referenceInputs);
        var reference = WindowStatistics.From("reference", parsedReference, columns) with { Dataset = "reference", Version = 1 };

        var calibrationScores = Enumerable.Range(0, 4000).Select(_ => random.NextDouble()).ToArray();
        var calibrationLabels = calibrationScores.Select(s => random.NextDouble() < s * s).ToArray();
        var fit = Stopwatch.StartNew();
        var cbpe = CbpeReference.Fit("reference@1", calibrationScores, calibrationLabels, probabilities: true);
        Console.WriteLine(FormattableString.Invariant($"estimate: calibration fitted once per served version on 4,000 rows in {fit.Elapsed.TotalMilliseconds:N1} ms (calibrated: {cbpe.Calibration is not null})"));
        fit.Restart();
        var encodings = columns.Select(c => ReconstructionDrift.IsCategorical(c)
            ? EncodedColumn.Fit(c.Name, null, parsedReference.Texts(c.Name))
            : EncodedColumn.Fit(c.Name, parsedReference.Numbers(c.Name), null)).ToList();
        var pca = PcaReference.Fit("reference@1", encodings, EncodedColumn.EncodeRows(encodings, parsedReference));
        Console.WriteLine(FormattableString.Invariant($"estimate: PCA fitted once per reference on {Rows:N0} rows x 20 features in {fit.Elapsed.TotalMilliseconds:N0} ms ({pca.ComponentCount} components, {pca.ExplainedVariance:P0} of the variance)"));
        // DLE: a regression's loss models trained on 4,000 reference rows of the same 20 features.
        fit.Restart();
        using var services = new ServiceCollection().AddGyreLearning().BuildServiceProvider();
        var learner = services.GetRequiredService<IVectorLearner>();
        var dleRows = EncodedColumn.EncodeRows(pca.Columns, parsedReference, [.. Enumerable.Range(0, 4000)]);
        var predictions = dleRows.Select(r => r[0] * 2).ToList();
        var dle = DleReference.Fit("reference@1", encodings, dleRows, predictions, [.. predictions.Select(p => p + ((1 + Math.Abs(p)) * (random.NextDouble() - 0.5)))], learner);
        Console.WriteLine(FormattableString.Invariant($"estimate: DLE's two loss models trained once per served version on 4,000 rows in {fit.Elapsed.TotalMilliseconds:N0} ms"));
        var all = Enumerable.Range(0, Rows).ToList();
        var encodedWindow = dle.Encode(LoggedColumns.Read(windowInputs), all, [.. all.Select(_ => 1.0)]);
        for (var i = 0; i < 3; i++)
        {
            var predictOnly = Stopwatch.StartNew();
            dle.Estimate(encodedWindow);
            Console.WriteLine(FormattableString.Invariant($"estimate: DLE's two models alone on {Rows:N0} encoded rows: {predictOnly.Elapsed.TotalMilliseconds:N0} ms"));
        }
        var regressionOutputs = windowInputs.Select((_, i) => (i % 97).ToString(CultureInfo.InvariantCulture)).ToList();
        Console.WriteLine("| round | univariate check (read columns + statistics + 20 tests) | allocated | the same with a JSON document per row (before) | allocated | CBPE (parse answers + estimate) | allocated | DLE (parse answers + encode + 2 models) | allocated | PCA error (encode + judge) | allocated | domain classifier (3 folds) | allocated | CBPE / univariate | DLE / univariate | PCA / univariate | classifier / univariate |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var ratios = new List<(double Cbpe, double Dle, double Pca, double Classifier)>();
        for (var round = 0; round <= 5; round++)
        {
            LoggedColumns parsed = null!;
            var (checkMs, checkBytes) = Measure(() =>
            {
                parsed = LoggedColumns.Read(windowInputs);
                var window = WindowStatistics.From("window", parsed, reference.Columns);
                DriftCheck.Compare(reference, window, new DriftRequest(new DatasetSide("reference", 1), null, null));
            });
            // The same check as it was made before: a JSON document per row, kept for the window, each column read from them.
            var (beforeMs, beforeBytes) = Measure(() =>
            {
                var documents = windowInputs.Select(i => JsonDocument.Parse(i).RootElement).ToList();
                var window = new ReferenceStatistics("window", 0, documents.Count,
                    [.. reference.Columns.Select(c => WindowStatistics.Column(c.Name, c.Type, documents.Select(d => d.GetProperty(c.Name))))]);
                DriftCheck.Compare(reference, window, new DriftRequest(new DatasetSide("reference", 1), null, null));
            });
            var (estimateMs, estimateBytes) = Measure(() => Cbpe.Estimate(cbpe, LoggedScores.Of(outputs)));
            // As the monitor does: the inputs parsed once for the window, the answers parsed here.
            var (dleMs, dleBytes) = Measure(() => dle.Estimate(dle.Encode(parsed, all, [.. regressionOutputs.Select(o =>
            {
                using var output = JsonDocument.Parse(o);
                return output.RootElement.GetDouble();
            })])));
            List<double[]> encodedRows = [];
            var (pcaMs, pcaBytes) = Measure(() => pca.Judge(encodedRows = EncodedColumn.EncodeRows(pca.Columns, parsed)));
            var (classifierMs, classifierBytes) = Measure(() => DomainClassifier.Check(pca.Sample, encodedRows, learner, DomainClassifier.DefaultThreshold));
            if (round == 0)
            {
                continue; // warm-up
            }
            ratios.Add((estimateMs / checkMs, dleMs / checkMs, pcaMs / checkMs, classifierMs / checkMs));
            Console.WriteLine(FormattableString.Invariant(
                $"| {round} | {checkMs:N0} ms | {checkBytes / 1e6:N0} MB | {beforeMs:N0} ms | {beforeBytes / 1e6:N0} MB | {estimateMs:N0} ms | {estimateBytes / 1e6:N0} MB | {dleMs:N0} ms | {dleBytes / 1e6:N0} MB | {pcaMs:N0} ms | {pcaBytes / 1e6:N0} MB | {classifierMs:N0} ms | {classifierBytes / 1e6:N0} MB | {estimateMs / checkMs:0.00} | {dleMs / checkMs:0.00} | {pcaMs / checkMs:0.00} | {classifierMs / checkMs:0.00} |"));
        }
        Console.WriteLine(FormattableString.Invariant($"estimate: median ratios to the univariate check: CBPE {ratios.Select(r => r.Cbpe).Order().ElementAt(2):0.00}, DLE {ratios.Select(r => r.Dle).Order().ElementAt(2):0.00}, PCA {ratios.Select(r => r.Pca).Order().ElementAt(2):0.00}, classifier {ratios.Select(r => r.Classifier).Order().ElementAt(2):0.00}"));
    }

    private static (double Ms, long Bytes) Measure(Action action)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        action();
        return (stopwatch.Elapsed.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - before);
    }
}
