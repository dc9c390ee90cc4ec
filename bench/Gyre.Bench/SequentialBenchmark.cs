using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Monitoring.Sequential;

namespace Gyre.Bench;

/// <summary>
/// CUSUM and Page–Hinkley on seeded synthetic streams, through the monitor's own code: each window
/// is n rows drawn from N(μ_t, 1), its mean standardised against a N(0, 1) reference and stepped
/// through <see cref="SequentialDetection"/>. Three streams: 200 clean windows (false alarms), an
/// abrupt shift at window 50, and a linear creep from window 50 reaching its size at window 70.
/// Delays count windows from the change's first window to the alarm (1 = the first changed window).
/// Beside them, the baseline a per-window test gives: a two-sided z-test at the 5% level, alarmed
/// after 2 windows in a row (the monitor's <c>alarm_after</c> default), on the same z.
/// Quality, not speed: the figures depend only on the seeds. <c>sequential sweep</c> adds the
/// false-alarm rates of other parameters (z drawn directly, 5,000 streams each).
/// </summary>
internal static class SequentialBenchmark
{
    private const int Seeds = 200;
    private const int Onset = 50;
    private const int Length = 200;
    private const string PerWindow = "per-window z-test, 2 in a row";

    public static void Run(bool sweep)
    {
        var settings = SequentialSettings.Default;
        Console.WriteLine(FormattableString.Invariant($"sequential: defaults cusum k={settings.K} h={settings.H}, page-hinkley delta={settings.Delta} lambda={settings.Lambda}; {Seeds} seeded streams of {Length} windows each"));
        Console.WriteLine("| window rows | stream | detector | streams with a false alarm | delay median | delay max | missed | change point error median |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var rows in new[] { 1000, 100, 10 })
        {
            Report(rows, "clean", _ => 0, settings);
            foreach (var size in new[] { 0.1, 0.25, 0.5 })
            {
                Report(rows, FormattableString.Invariant($"shift {size} sd"), w => w >= Onset ? size : 0, settings);
                Report(rows, FormattableString.Invariant($"creep {size} sd over 20"), w => w < Onset ? 0 : size * Math.Min(1, (w - Onset + 1) / 20.0), settings);
            }
        }
        if (sweep)
        {
            Sweep();
        }
    }

    private static void Report(int rows, string stream, Func<int, double> mean, SequentialSettings settings)
    {
        var results = Enumerable.Range(0, Seeds).Select(seed => Play(rows, mean, settings, seed)).ToList();
        foreach (var detector in new[] { SequentialDetectors.Cusum, SequentialDetectors.PageHinkley, PerWindow })
        {
            var mine = results.Select(r => r.Where(a => a.Alarm.Detector == detector).ToList()).ToList();
            var falseAlarms = mine.Count(r => r.Any(a => a.Window < Onset || stream == "clean"));
            var firstTrue = stream == "clean" ? [] : mine.Select(r => r.FirstOrDefault(a => a.Window >= Onset)).ToList();
            var found = firstTrue.Where(a => a.Alarm is not null).ToList();
            var delays = found.Select(a => a.Window - Onset + 1).Order().ToList();
            var errors = found.Select(a => Math.Abs((int)(a.Alarm.ChangeStart / 1000) - Onset)).Order().ToList();
            Console.WriteLine(FormattableString.Invariant(
                $"| {rows:N0} | {stream} | {detector} | {falseAlarms} of {Seeds} | {Median(delays)} | {(delays.Count > 0 ? delays[^1].ToString(CultureInfo.InvariantCulture) : "—")} | {(stream == "clean" ? "—" : (Seeds - found.Count).ToString(CultureInfo.InvariantCulture))} | {Median(errors)} |"));
        }
    }

    /// <summary>One stream's alarms, each with the window (0-based) it fired in; window w spans [w·1000, (w+1)·1000) ms.</summary>
    private static List<(int Window, SequentialAlarm Alarm)> Play(int rows, Func<int, double> mean, SequentialSettings settings, int seed)
    {
        var random = new Random(seed);
        var reference = new ColumnReference("x", ColumnType.Float, 1_000_000, 0, 1_000_000, Mean: 0, Stddev: 1);
        IReadOnlyList<SequentialPoint>? state = null;
        var alarms = new List<(int, SequentialAlarm)>();
        var streak = 0;
        for (var w = 0; w < Length; w++)
        {
            var sum = 0.0;
            for (var i = 0; i < rows; i++)
            {
                sum += mean(w) + Normal(random);
            }
            var window = new ColumnReference("x", ColumnType.Float, rows, 0, rows, Mean: sum / rows);
            var statistic = StandardisedStatistic.OfMean("x", reference, window)!;
            state = SequentialDetection.Next(state, [statistic], settings, w * 1000L, (w + 1) * 1000L);
            alarms.AddRange((state[0].Alarms ?? []).Select(a => (w, a)));
            streak = Math.Abs(statistic.Z) > 1.96 ? streak + 1 : 0;
            if (streak == 2)
            {
                alarms.Add((w, new SequentialAlarm(PerWindow, statistic.Z > 0 ? SequentialAlarm.Up : SequentialAlarm.Down, (w - 1) * 1000L, statistic.Z, 1.96)));
            }
        }
        return alarms;
    }

    /// <summary>The share of 5,000 clean streams of 200 windows with a false alarm, for a grid of parameters.</summary>
    private static void Sweep()
    {
        Console.WriteLine();
        Console.WriteLine("| detector | parameters | clean streams (of 5,000) with a false alarm in 200 windows |");
        Console.WriteLine("|---|---|---|");
        foreach (var (k, h) in new[] { (0.5, 5.0), (0.5, 8.0), (0.5, 9.0), (0.5, 10.0), (0.75, 6.0), (0.75, 7.0), (1.0, 5.0), (1.0, 6.0), (0.25, 10.0) })
        {
            Console.WriteLine(FormattableString.Invariant($"| cusum | k={k} h={h} | {Clean(new SequentialSettings(CusumK: k, CusumH: h), SequentialDetectors.Cusum)} |"));
        }
        foreach (var (delta, lambda) in new[] { (0.5, 8.0), (0.5, 10.0), (0.5, 12.0), (0.5, 15.0), (0.25, 12.0), (0.25, 15.0), (0.25, 20.0) })
        {
            Console.WriteLine(FormattableString.Invariant($"| page_hinkley | delta={delta} lambda={lambda} | {Clean(new SequentialSettings(PageHinkleyDelta: delta, PageHinkleyLambda: lambda), SequentialDetectors.PageHinkley)} |"));
        }
    }

    private static int Clean(SequentialSettings settings, string detector)
    {
        var streams = 0;
        for (var seed = 0; seed < 5000; seed++)
        {
            var random = new Random(seed);
            IReadOnlyList<SequentialPoint>? state = null;
            var alarmed = false;
            for (var w = 0; w < Length && !alarmed; w++)
            {
                var z = Normal(random);
                state = SequentialDetection.Next(state, [new StandardisedStatistic("x", StandardisedStatistic.Mean, z, z)], settings, w * 1000L, (w + 1) * 1000L);
                alarmed = state[0].Alarms?.Any(a => a.Detector == detector) == true;
            }
            streams += alarmed ? 1 : 0;
        }
        return streams;
    }

    private static string Median(List<int> sorted) => sorted.Count == 0 ? "—" : sorted[sorted.Count / 2].ToString(CultureInfo.InvariantCulture);

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
