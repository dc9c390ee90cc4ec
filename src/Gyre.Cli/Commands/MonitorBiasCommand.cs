using System.CommandLine;
using System.Globalization;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre monitor bias ENDPOINT [--sensitive COL] [--favourable V]</c>: the windows' post-training bias from the labels that have arrived.</summary>
internal static class MonitorBiasCommand
{
    public static Command Build()
    {
        var endpoint = new Argument<string>("endpoint");
        var sensitive = new Option<string?>("--sensitive") { Description = "The input whose groups are compared (default: the monitor's, then the reference's column with role sensitive)" };
        var favourable = new Option<string?>("--favourable") { Description = "The label's favourable value (default: the monitor's, then true or 1 for a two-valued label)" };
        var max = new Option<int>("--max-results") { DefaultValueFactory = _ => 5, Description = "Windows to show, newest first" };
        var command = new Command("bias", "Post-training bias per window and group (SageMaker Clarify's DPPL, DI, DCAcc, RD, AD, TE) from the labelled predictions")
        {
            endpoint, sensitive, favourable, max,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var name = parse.GetValue(endpoint)!;
            var windows = await client.Endpoints.ListBiasAsync(name, parse.GetValue(sensitive), parse.GetValue(favourable), parse.GetValue(max), ct);
            if (printer.IsJson)
            {
                printer.Done("", windows.Items);
                return;
            }
            if (windows.Items.Count == 0)
            {
                Console.Out.WriteLine($"'{name}' has no complete window yet.");
                return;
            }
            foreach (var window in windows.Items)
            {
                var head = $"window {window.Window} ({Printer.Time(window.Start)} to {Printer.Time(window.End)}): {Count(window.Labelled)} of {Count(window.Predictions)} predictions labelled";
                if (window.Report is not { } report)
                {
                    Console.Out.WriteLine($"{head}; no bias: {window.Missing}");
                    continue;
                }
                Console.Out.WriteLine($"{head}; by {report.Sensitive}, favourable {report.Label} = {report.Favourable}");
                printer.List(report.Facets, null, "", ("GROUP", f => f.Facet), ("LABELLED", f => Count(f.Rows)),
                    ("PREDICTED", f => Share(f.PredictedPositiveShare)), ("OTHERS", f => Share(f.OtherPredictedPositiveShare)),
                    ("DPPL", f => Number(f.Posttraining?.Dppl)), ("DI", f => Number(f.Posttraining?.Di)), ("DCACC", f => Number(f.Posttraining?.Dcacc)),
                    ("RD", f => Number(f.Posttraining?.Rd)), ("AD", f => Number(f.Posttraining?.Ad)), ("TE", f => Number(f.Posttraining?.Te)));
            }
            Console.Out.WriteLine("Each group against all others; PREDICTED is the share predicted favourable. DI below 0.8 fails the four-fifths rule; an empty cell is undefined.");
        });
        return command;
    }

    private static string Number(double? value) => Printer.Number(value, 4);

    private static string Share(double? value) => value is { } v ? (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
