using System.CommandLine;
using System.Globalization;
using Gyre.Core.Monitoring.Bias;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Sequential;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre monitor set|show|bias|delete ENDPOINT</c>: drift monitoring of an endpoint's traffic.</summary>
internal static class MonitorCommands
{
    public static Command Build()
    {
        var command = new Command("monitor", "Watch endpoints for data and prediction drift in tumbling windows");
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Show());
        command.Subcommands.Add(MonitorBiasCommand.Build());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Command Set()
    {
        var endpoint = new Argument<string>("endpoint");
        var reference = new Option<string?>("--reference") { Description = "NAME@VERSION to compare with (default: the dataset the served version was trained on)" };
        var predictions = new Option<int?>("--window-predictions") { Description = $"A window every N predictions (default {MonitorSettings.DefaultWindowPredictions})" };
        var seconds = new Option<double?>("--window-seconds") { Description = "A window every S seconds instead" };
        var tests = new Option<string[]>("--test") { Description = "COLUMN=TEST (ks, chisquare, wasserstein, jensenshannon, psi)" };
        var share = new Option<double?>("--share") { Description = "The share of drifted features at which the data set drifts (0.5)" };
        var alarmAfter = new Option<int?>("--alarm-after") { Description = $"Windows in a row that must drift before a drift alarm, which policies act on (default {MonitorSettings.DefaultAlarmAfter})" };
        var cusumK = new Option<double?>("--cusum-k") { Description = $"CUSUM's allowance, in standard errors (default {SequentialSettings.DefaultCusumK})" };
        var cusumH = new Option<double?>("--cusum-h") { Description = $"CUSUM's decision interval, in standard errors (default {SequentialSettings.DefaultCusumH})" };
        var delta = new Option<double?>("--page-hinkley-delta") { Description = $"Page–Hinkley's tolerated magnitude (default {SequentialSettings.DefaultPageHinkleyDelta})" };
        var lambda = new Option<double?>("--page-hinkley-lambda") { Description = $"Page–Hinkley's threshold (default {SequentialSettings.DefaultPageHinkleyLambda})" };
        var noSequential = new Option<bool>("--no-sequential") { Description = "Do not run CUSUM and Page–Hinkley across windows" };
        var sensitive = new Option<string?>("--sensitive") { Description = "The input whose groups the windows' bias compares (default: the reference's column with role sensitive)" };
        var favourable = new Option<string?>("--favourable") { Description = "The label's favourable value for bias (default: true or 1 for a two-valued label)" };
        var command = new Command("set", "Start or change an endpoint's drift monitor")
        {
            endpoint, reference, predictions, seconds, tests, share, alarmAfter, cusumK, cusumH, delta, lambda, noSequential, sensitive, favourable,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            DatasetSide? side = null;
            if (parse.GetValue(reference) is { } text)
            {
                var (name, version) = DatasetReference.Parse(text);
                side = new DatasetSide(name, version);
            }
            var state = await client.Endpoints.SetMonitorAsync(parse.GetValue(endpoint)!, new MonitorSettings(side, parse.GetValue(predictions), parse.GetValue(seconds),
                KeyValues.Parse(parse.GetValue(tests), "--test").ToDictionary(p => p.Key, p => p.Value), null, parse.GetValue(share), parse.GetValue(alarmAfter),
                new SequentialSettings(parse.GetValue(noSequential) ? false : null, parse.GetValue(cusumK), parse.GetValue(cusumH), parse.GetValue(delta), parse.GetValue(lambda)),
                Bias: parse.GetValue(sensitive) is null && parse.GetValue(favourable) is null ? null : new BiasSettings(parse.GetValue(sensitive), parse.GetValue(favourable))), ct);
            printer.Done($"Monitoring '{state.Endpoint}' for drift, {Window(state.Settings)}", state);
        });
        return command;
    }

    private static Command Show()
    {
        var endpoint = new Argument<string>("endpoint");
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 20 };
        var command = new Command("show", "Show an endpoint's latest drift windows, newest first") { endpoint, max };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var name = parse.GetValue(endpoint)!;
            var state = await client.Endpoints.GetMonitorAsync(name, ct);
            var windows = await client.Endpoints.ListDriftWindowsAsync(name, parse.GetValue(max), ct);
            if (printer.IsJson)
            {
                printer.Done("", new { monitor = state, windows = windows.Items });
                return;
            }
            Console.Out.WriteLine($"'{name}': {Window(state.Settings)}; {windows.Items.Count} window(s) shown");
            printer.List(windows.Items, null, "No complete window yet: it is checked once its predictions have arrived.",
                ("WINDOW", w => w.Id), ("FROM", w => Printer.Time(w.Start)), ("TO", w => Printer.Time(w.End)), ("ROWS", w => w.Predictions),
                ("DRIFTED", w => string.Join(", ", w.Data.Columns.Where(c => c.Drifted).Select(c => c.Column))),
                ("SHARE", w => (w.Data.DriftedShare * 100).ToString("0", CultureInfo.InvariantCulture) + "%"),
                ("DATA DRIFT", w => w.Data.DatasetDrift ? "yes" : "no"),
                ("PREDICTIONS", w => w.Prediction is { } p ? (p.Drifted ? "drifted" : "stable") : ""),
                ("MULTIVARIATE", w => w.Multivariate is { Statistic: { } e } m
                    ? $"{(m.AnyDrift ? "drift" : "ok")} PCA {Number(e)} [{Number(m.Lower)}, {Number(m.Upper)}]{(m.Classifier is { } c ? $", AUC {Number(c.Auc)}" : "")}" : ""),
                ("ESTIMATED", w => w.Performance?.Metrics is { } m && (m.ContainsKey("accuracy") ? "accuracy" : m.ContainsKey("rmse") ? "rmse" : null) is { } main
                    ? $"{main} {Number(m[main])} ± {Number(3 * w.Performance.SamplingError!.GetValueOrDefault(main))}" : w.Performance?.Missing is not null ? "—" : ""),
                ("SEQUENTIAL", w => string.Join("; ", w.SequentialAlarms().Select(a => $"{a.Point.Statistic} {a.Alarm.Direction} ({Detector(a.Alarm.Detector)}, since {Printer.Time(a.Alarm.ChangeStart)})"))),
                ("SKEW", w => w.Skew is not { } skew ? "" : skew.Missing ?? (skew.Features.Where(f => f.Mismatches > 0).ToList() is { Count: > 0 } differed
                    ? string.Join(", ", differed.Select(f => $"{f.Feature} {f.Mismatches}/{f.Compared}")) : $"none of {skew.Sampled}")));
            if (windows.Items is [{ Performance.Missing: { } missing } newest, ..])
            {
                Console.Out.WriteLine($"No performance estimate for window {newest.Id}: {missing}");
            }
            if (windows.Items is [{ Sequential: { Count: > 0 } points } latest, ..])
            {
                var sequential = state.Settings.Sequential ?? SequentialSettings.Default;
                Console.Out.WriteLine();
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Sequential detectors after window {latest.Id} (CUSUM k={sequential.K}, alarm above h={sequential.H}; Page–Hinkley δ={sequential.Delta}, alarm above λ={sequential.Lambda}):"));
                printer.List(points, null, "",
                    ("STATISTIC", p => p.Statistic), ("MEASURE", p => p.Measure), ("VALUE", p => Number(p.Value)), ("Z", p => Number(p.Z)),
                    ("CUSUM UP", p => Number(p.Cusum.Upper)), ("CUSUM DOWN", p => Number(p.Cusum.Lower)),
                    ("PH UP", p => Number(p.PageHinkley.UpStatistic)), ("PH DOWN", p => Number(p.PageHinkley.DownStatistic)),
                    ("ALARM", p => string.Join(", ", (p.Alarms ?? []).Select(a => $"{Detector(a.Detector)} {a.Direction} since {Printer.Time(a.ChangeStart)}"))));
            }
        });
        return command;
    }

    private static Command Delete()
    {
        var endpoint = new Argument<string>("endpoint");
        var command = new Command("delete", "Stop monitoring an endpoint (its windows are kept)") { endpoint };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            await client.Endpoints.DeleteMonitorAsync(parse.GetValue(endpoint)!, ct);
            printer.Done($"Stopped monitoring {parse.GetValue(endpoint)}");
        });
        return command;
    }

    private static string Detector(string detector) => detector == SequentialDetectors.Cusum ? "CUSUM" : "Page–Hinkley";

    private static string Number(double? value) => Printer.Number(value, 3, "—");

    private static string Window(MonitorSettings settings) => settings.WindowSeconds is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"a window every {s} s")
        : $"a window every {settings.WindowPredictions ?? MonitorSettings.DefaultWindowPredictions} predictions";
}
