using System.CommandLine;
using System.Globalization;
using Gyre.Core.Data.Bias;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre data bias NAME@V --sensitive COL --label L [--favourable V]</c>: pre-training bias metrics per group.</summary>
internal static class DataBiasCommand
{
    public static Command Build()
    {
        var dataset = new Argument<string>("dataset") { Description = "NAME@VERSION (or NAME for the latest)" };
        var sensitive = new Option<string?>("--sensitive") { Description = "The column whose groups are compared (default: the schema's column with role sensitive)" };
        var label = new Option<string?>("--label") { Description = "The label column (default: the schema's label)" };
        var favourable = new Option<string?>("--favourable") { Description = "The label's favourable value (default: true or 1 for a two-valued label)" };
        var facet = new Option<string?>("--facet") { Description = "Only this value of the sensitive column (default: each value against all others)" };
        var command = new Command("bias", "Pre-training bias of a dataset version by a sensitive column (SageMaker Clarify's CI, DPL, KL, JS, KS)")
        {
            dataset, sensitive, label, favourable, facet,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(dataset)!);
            var report = await client.Datasets.BiasAsync(name, version, new BiasRequest(parse.GetValue(sensitive), parse.GetValue(label), parse.GetValue(favourable), parse.GetValue(facet)), ct);
            if (printer.IsJson)
            {
                printer.Done("", report);
                return;
            }
            Console.Out.WriteLine($"{report.Data}: {Count(report.Rows)} rows by {report.Sensitive}, favourable {report.Label} = {report.Favourable}"
                + (report.ExcludedRows > 0 ? $" ({Count(report.ExcludedRows)} rows without {report.Sensitive} or {report.Label} left out)" : ""));
            printer.List(report.Facets, null, "", ("GROUP", f => f.Facet), ("ROWS", f => Count(f.Rows)),
                ("FAVOURABLE", f => Share(f.PositiveShare)), ("OTHERS", f => Share(f.OtherPositiveShare)),
                ("CI", f => Number(f.Pretraining.Ci)), ("DPL", f => Number(f.Pretraining.Dpl)), ("KL", f => Number(f.Pretraining.Kl)),
                ("JS", f => Number(f.Pretraining.Js)), ("KS", f => Number(f.Pretraining.Ks)));
            Console.Out.WriteLine("Each group against all other rows; DPL > 0 means the group gets the favourable label less often. KL is empty when infinite.");
        });
        return command;
    }

    private static string Number(double? value) => Printer.Number(value, 4);

    private static string Share(double value) => (value * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
