using System.CommandLine;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Splits;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre data split|splits|reference</c>: recorded train/test splits and reference statistics for drift.</summary>
internal static class DataSplitCommands
{
    public static Command Split()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var method = new Option<string>("--method") { Required = true, Description = "random, stratified, time or hash" };
        var test = new Option<double?>("--test") { Description = "The test fraction, between 0 and 1" };
        var seed = new Option<long?>("--seed") { Description = "Seed of a random or stratified split (default 0)" };
        var label = new Option<string?>("--label") { Description = "Stratify on this column (default: the column with the label role)" };
        var key = new Option<string?>("--key") { Description = "Hash this column (default: the column with the id role)" };
        var time = new Option<string?>("--time-column") { Description = "Split on this column (default: the column with the timestamp role)" };
        var at = new Option<string?>("--at") { Description = "Time split: rows before this time train, the others test" };
        var command = new Command("split", "Split a version into NAME.train and NAME.test versions; the same split again finds the recorded one")
        {
            reference, method, test, seed, label, key, time, at,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var spec = new SplitSpec(parse.GetValue(method), parse.GetValue(test), parse.GetValue(seed), parse.GetValue(label),
                parse.GetValue(key), parse.GetValue(time), parse.GetValue(at));
            var split = await client.Datasets.SplitAsync(name, version, spec, ct);
            PrintParts(printer, split);
        });
        return command;
    }

    public static Command Splits()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("splits", "List the recorded splits of a version") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var splits = await client.Datasets.ListSplitsAsync(name, version, ct);
            printer.List(splits, null, "No splits. Make one with `gyre data split NAME@VERSION --method random --test 0.2`.",
                ("SPLIT", s => s.Id), ("METHOD", s => Describe(s.Spec)),
                ("TRAIN", s => Part(s, SplitMethods.Train)), ("TEST", s => Part(s, SplitMethods.Test)), ("CREATED", s => Printer.Time(s.CreationTime)));
        });
        return command;
    }

    public static Command Reference()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME@VERSION or NAME@latest" };
        var command = new Command("reference", "Show the reference statistics kept for drift tests (computed on first use); --json for all of them") { reference };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(reference)!);
            var statistics = await client.Datasets.GetReferenceAsync(name, version, ct);
            printer.List(statistics.Columns, statistics, "No feature or label column has reference statistics (free text, datetime, id and ignored columns have none).",
                ("COLUMN", c => c.Name), ("TYPE", c => Printer.Wire(c.Type)), ("COUNT", c => c.Count), ("MISSING", c => c.Missing),
                ("KEPT", c => Kept(c)));
        });
        return command;
    }

    private static void PrintParts(Printer printer, DatasetSplit split)
    {
        printer.List(split.Parts, split, "",
            ("PART", p => p.Part), ("DATASET", p => $"{p.Dataset}@{p.Version}"), ("ROWS", p => p.Rows), ("DIGEST", p => p.Digest[..Math.Min(19, p.Digest.Length)]));
        if (!printer.IsJson)
        {
            Console.Out.WriteLine($"{split.Id}: {Describe(split.Spec)} of {split.Dataset}@{split.Version}");
        }
    }

    private static string Part(DatasetSplit split, string part) =>
        split.Parts.FirstOrDefault(p => p.Part == part) is { } p ? $"{p.Dataset}@{p.Version} ({p.Rows} rows)" : "";

    private static string Describe(SplitSpec spec) => spec.Method switch
    {
        SplitMethods.Random => $"random, test {spec.TestFraction}, seed {spec.Seed}",
        SplitMethods.Stratified => $"stratified on {spec.Label}, test {spec.TestFraction}, seed {spec.Seed}",
        SplitMethods.Hash => $"hash of {spec.Key}, test {spec.TestFraction}",
        _ => spec.At is { } at ? $"time on {spec.TimeColumn}, test from {at}" : $"time on {spec.TimeColumn}, latest {spec.TestFraction} as test",
    };

    private static string Kept(ColumnReference c) => string.Join(", ", new[]
    {
        c.Values is { } v ? $"{v.Count} values" : null,
        c.Quantiles is { } q ? $"{q.Count} quantiles" : null,
        c.Bins is { } b ? $"{b.Count} bins" : null,
        c.Counts is { } k ? $"{k.Count} value counts" : null,
    }.Where(s => s is not null));
}
