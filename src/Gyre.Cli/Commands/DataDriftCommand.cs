using System.CommandLine;
using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Drift;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre data drift --reference NAME@V --current NAME@V</c>: drift between two versions, column by column.</summary>
internal static class DataDriftCommand
{
    public static Command Build()
    {
        var reference = new Option<string>("--reference") { Required = true, Description = "NAME@VERSION (or NAME for the latest): the data the model learned from" };
        var current = new Option<string>("--current") { Required = true, Description = "NAME@VERSION (or NAME for the latest): the data to check" };
        var columns = new Option<string[]>("--column") { Description = "Compare only these columns (repeatable; default: every column both have)" };
        var tests = new Option<string[]>("--test") { Description = $"COLUMN=TEST to choose a column's test ({string.Join(", ", DriftTests.All.Keys)}) (repeatable)" };
        var thresholds = new Option<string[]>("--threshold") { Description = "COLUMN=VALUE: the column's threshold (a p-value for ks and chisquare, a distance for the others)" };
        var share = new Option<double?>("--share") { Description = "The share of drifted columns at which the data set drifts (default 0.5)" };
        var command = new Command("drift", "Compare two dataset versions for drift: per column the test, statistic, p-value, threshold and verdict")
        {
            reference, current, columns, tests, thresholds, share,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (referenceName, referenceVersion) = DatasetReference.Parse(parse.GetValue(reference)!);
            var (currentName, currentVersion) = DatasetReference.Parse(parse.GetValue(current)!);
            var thresholdValues = KeyValues.Parse(parse.GetValue(thresholds), "--threshold").ToDictionary(p => p.Key, p =>
                double.TryParse(p.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
                : throw GyreException.Invalid($"--threshold: expected COLUMN=NUMBER, got '{p.Key}={p.Value}'"));
            var columnList = parse.GetValue(columns) is { Length: > 0 } chosen ? chosen : null;
            var report = await client.Datasets.DriftAsync(new DriftRequest(new DatasetSide(referenceName, referenceVersion), new DatasetSide(currentName, currentVersion),
                columnList, KeyValues.Parse(parse.GetValue(tests), "--test").ToDictionary(p => p.Key, p => p.Value), thresholdValues, parse.GetValue(share)), ct);
            if (printer.IsJson)
            {
                printer.Done("", report);
                return;
            }
            printer.List(report.Columns, null, "", ("COLUMN", c => c.Column), ("TYPE", c => c.Type), ("TEST", c => c.Test),
                ("STATISTIC", c => Number(c.Statistic)), ("P-VALUE", c => c.PValue is { } p ? Number(p) : ""), ("THRESHOLD", c => c.Threshold),
                ("DRIFT", c => c.Drifted ? "yes" : "no"));
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{report.Current} against {report.Reference}: {report.DriftedColumns} of {report.Columns.Count} columns drifted ({report.DriftedShare * 100:0.#}%); data set drift: {(report.DatasetDrift ? "yes" : "no")} (at {report.ShareThreshold * 100:0.#}%)"));
        });
        return command;
    }

    private static string Number(double value) => double.IsPositiveInfinity(value) ? "inf" : value.ToString("G4", CultureInfo.InvariantCulture);
}
