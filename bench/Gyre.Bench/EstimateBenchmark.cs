using System.Diagnostics;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Performance;

namespace Gyre.Bench;

/// <summary>
/// CBPE's cost on a window of 100,000 logged predictions, side by side in each round with what the
/// monitor already does to every window: the univariate drift check of the same window's 20 features
/// (16 numeric, 4 categorical), both from the logged JSON as the monitor reads it. The calibration is
/// fitted once per served version (from 4,000 reference rows here) and timed apart. Allocated bytes
/// per step are the memory figure (the process's own GC counter).
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
        var reference = WindowStatistics.From("reference", [.. referenceInputs.Select(i => JsonDocument.Parse(i).RootElement)], columns) with { Dataset = "reference", Version = 1 };

        var calibrationScores = Enumerable.Range(0, 4000).Select(_ => random.NextDouble()).ToArray();
        var calibrationLabels = calibrationScores.Select(s => random.NextDouble() < s * s).ToArray();
        var fit = Stopwatch.StartNew();
        var cbpe = CbpeReference.Fit("reference@1", calibrationScores, calibrationLabels, probabilities: true);
        Console.WriteLine(FormattableString.Invariant($"estimate: calibration fitted once per served version on 4,000 rows in {fit.Elapsed.TotalMilliseconds:N1} ms (calibrated: {cbpe.Calibration is not null})"));
        Console.WriteLine("| round | CBPE estimate (parse + estimate) | allocated | univariate check (parse + statistics + 20 tests) | allocated | CBPE / univariate |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var ratios = new List<double>();
        for (var round = 0; round <= 5; round++)
        {
            var (estimateMs, estimateBytes) = Measure(() => Cbpe.Estimate(cbpe, LoggedScores.Of(outputs)));
            var (checkMs, checkBytes) = Measure(() =>
            {
                var window = WindowStatistics.From("window", [.. windowInputs.Select(i => JsonDocument.Parse(i).RootElement)], reference.Columns);
                DriftCheck.Compare(reference, window, new DriftRequest(new DatasetSide("reference", 1), null, null));
            });
            if (round == 0)
            {
                continue; // warm-up
            }
            ratios.Add(estimateMs / checkMs);
            Console.WriteLine(FormattableString.Invariant($"| {round} | {estimateMs:N0} ms | {estimateBytes / 1e6:N0} MB | {checkMs:N0} ms | {checkBytes / 1e6:N0} MB | {estimateMs / checkMs:0.00} |"));
        }
        Console.WriteLine(FormattableString.Invariant($"estimate: median ratio {ratios.Order().ElementAt(ratios.Count / 2):0.00} of the univariate check's time"));
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
