using System.CommandLine;
using System.Diagnostics;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Learning.Predictors;
using Gyre.Storage.Data;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre predict</c>: batch scoring on this machine. The package is fetched from the server
/// (checked against its checksum), and the file never leaves the machine.
/// </summary>
internal static class PredictCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Required = true, Description = "NAME/VERSION or NAME@ALIAS" };
        var input = new Option<FileInfo>("--input") { Required = true, Description = "A .csv or .parquet file with the model's feature columns" };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the rows with their predictions (.csv or .parquet)" };
        var command = new Command("predict", "Score a CSV or Parquet file with a registered model; writes the rows with their predictions") { model, input, output };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var inputFile = parse.GetValue(input)!;
            if (!inputFile.Exists)
            {
                throw GyreException.Invalid($"--input: '{inputFile.FullName}' does not exist");
            }
            var outputFile = parse.GetValue(output)!;
            var inputFormat = DatasetFormats.FromFileName(inputFile.Name);
            var outputFormat = DatasetFormats.FromFileName(outputFile.Name);
            var version = await client.Models.ResolveAsync(parse.GetValue(model)!, ct);
            var package = await client.Models.GetPackageAsync(version.Name, version.Version, ct);
            var runId = version.RunId ?? throw GyreException.NotFound($"{version.Name}/{version.Version} has no run holding its package");
            using var bytes = new MemoryStream();
            await using (var stream = await client.Runs.DownloadArtifactAsync(runId, $"{version.ArtifactPath}/{package.ModelFile}", ct))
            {
                await stream.CopyToAsync(bytes, ct);
            }
            var scratch = Directory.CreateTempSubdirectory("gyre-predict-").FullName;
            try
            {
                var stopwatch = Stopwatch.StartNew();
                var rows = await new BatchScorer(new ModelRuntime(), new DuckDbFeatureFiles(scratch)).ScoreAsync(package, bytes.ToArray(), inputFile.FullName, inputFormat, outputFile.FullName, outputFormat, ct);
                printer.Done($"Scored {rows:N0} rows with {version.Name}/{version.Version} in {stopwatch.Elapsed.TotalSeconds:0.##} s: {outputFile.FullName}",
                    new { model = $"{version.Name}/{version.Version}", rows, output = outputFile.FullName });
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }
}
