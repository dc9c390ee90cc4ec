using System.CommandLine;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Features;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre features training-set --entities FILE|NAME@V --features GROUP:FEATURE,GROUP:* --output FILE</c>:
/// a point-in-time correct training set, recorded as a dataset version and written to a file.
/// </summary>
internal static class FeaturesTrainingSetCommand
{
    public static Command Build()
    {
        var entities = new Option<string>("--entities") { Required = true, Description = "The entity rows: a .csv or .parquet file (added as the dataset DATASET-entities), or NAME@VERSION" };
        var features = new Option<string>("--features") { Required = true, Description = "GROUP:FEATURE or GROUP:* (every feature of the group), comma-separated" };
        var timestamp = new Option<string?>("--timestamp") { Description = "The entity rows' time column (default: their column with role timestamp, else their only datetime column)" };
        var dataset = new Option<string>("--dataset") { Description = "The dataset the training set is recorded as", DefaultValueFactory = _ => TrainingSetRequest.DefaultDataset };
        var output = new Option<FileInfo?>("--output") { Description = "Also write it to this .parquet or .csv file" };
        var command = new Command("training-set", "Join entity rows with feature values as they were at each row's time (never after)")
        {
            entities, features, timestamp, dataset, output,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var target = parse.GetValue(output);
            var format = target is null ? DatasetFormat.Parquet : DatasetFormats.FromFileName(target.Name);
            var name = parse.GetValue(dataset)!;
            var reference = parse.GetValue(entities)!;
            if (File.Exists(reference))
            {
                var file = new FileInfo(reference);
                await using var stream = file.OpenRead();
                var added = await client.Datasets.AddAsync(name + "-entities", stream, DatasetFormats.FromFileName(file.Name), file.FullName, ct: ct);
                reference = $"{added.Name}@{added.Version}";
            }
            else if (reference.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || reference.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
            {
                throw GyreException.Invalid($"--entities: the file '{Path.GetFullPath(reference)}' does not exist");
            }
            var set = await client.Features.TrainingSetAsync(new TrainingSetRequest(reference, FeaturesCommands.Split(parse.GetValue(features)!), parse.GetValue(timestamp), name,
                format == DatasetFormat.Csv ? "csv" : "parquet"), ct);
            if (target is not null)
            {
                // Written whole to a temporary file first: a failed download leaves no half a file.
                var partial = target.FullName + ".partial";
                await using (var file = File.Create(partial))
                {
                    await client.Datasets.DownloadAsync(set.Version.Name, set.Version.Version, file, ct);
                }
                File.Move(partial, target.FullName, overwrite: true);
            }
            printer.Done($"Training set {set.Version.Name}@{set.Version.Version}: {FeaturesCommands.Count(set.Version.Rows)} rows, {set.Version.Columns.Count} columns, "
                + $"from {reference} and {string.Join(", ", set.Groups)}" + (target is null ? "" : $"; written to {target.FullName}"), set);
        });
        return command;
    }
}
