using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Training;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>command</c>: runs an external program — a Python script that trains with PyTorch and writes
/// ONNX, say — with declared <c>inputs</c> (files hashed into the cache key, as DVC's deps),
/// <c>outputs</c> (files it must write, as DVC's outs: deleted before it runs, checked after, and
/// passed on as <c>file:NAME</c> artifacts) and <c>env</c>. It sees the datasets of the steps
/// before it as <c>GYRE_DATASET_ROLE</c> — the stored file, CSV or Parquet, or with
/// <c>dataset_format: csv</c> always a CSV copy (split parts are stored as Parquet) — and each output's path as
/// <c>GYRE_OUTPUT_NAME</c>. Its output and errors go to the step's log; a non-zero exit fails it; a
/// timeout or cancellation kills its whole process tree. Its outputs are kept in the artifact store
/// (<see cref="StepOutputCache"/>), so a cached step puts back an output its folder lacks.
/// </summary>
internal sealed class CommandStep(StepArtifacts artifacts, IDatasetObjectStore objects, IDatasetExporter exporter, ScratchSpace scratch, StepOutputCache kept)
    : StepType(artifacts)
{
    private const int TailLines = 5;

    public override string Name => "command";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("run", ParameterKind.Command, "a command line for /bin/sh, or a list of arguments", Required: true),
        new("inputs", ParameterKind.Strings, "files the command reads (its script too): their digests go into the cache key"),
        new("outputs", ParameterKind.StringMap, "name: path of each file the command writes"),
        new("env", ParameterKind.StringMap, "environment variables to set"),
        new("workdir", ParameterKind.String, "the working folder (default: the pipeline file's)"),
        new("dataset_format", ParameterKind.String, "csv: hand every dataset over as a CSV file (default: as stored, CSV or Parquet)"),
    ];

    public override bool Cacheable(JsonObject with) => with["outputs"] is JsonObject { Count: > 0 };

    public override IReadOnlyList<string> Check(JsonObject with)
    {
        var problems = new List<string>();
        if (with["dataset_format"]?.GetValue<string>() is { } format && format != "csv")
        {
            problems.Add($"dataset_format: expected csv, got '{format}'");
        }
        if (with["run"] is JsonArray { Count: 0 })
        {
            problems.Add("run: expected a command");
        }
        foreach (var (name, _) in with["outputs"] as JsonObject ?? [])
        {
            if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                problems.Add($"outputs.{name}: output names are letters, digits and '_'");
            }
        }
        return problems;
    }

    /// <summary>Every output is in place with its content, or is put back from the store (as <c>dvc checkout</c> does); the store away, the step runs again.</summary>
    public override async Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct)
    {
        foreach (var output in outputs.Where(o => o.Type == ArtifactTypes.File))
        {
            var path = ArtifactUris.FilePath(output.Uri);
            if (File.Exists(path) && await Files.DigestAsync(path, ct) == output.Digest)
            {
                continue;
            }
            try
            {
                if (!await kept.RestoreAsync(path, output.Digest, ct))
                {
                    return false;
                }
            }
            catch (GyreException e) when (e.Code is ErrorCode.Unavailable or ErrorCode.DataLoss)
            {
                return false;
            }
        }
        return await base.OutputsExistAsync(outputs.Where(o => o.Type != ArtifactTypes.File).ToList(), ct);
    }

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct)
    {
        var inputs = new List<PipelineArtifact>();
        foreach (var path in context.Strings("inputs") ?? [])
        {
            inputs.Add(await Files.ArtifactAsync("input:" + path, context.FullPath(path), ct, "inputs"));
        }
        // The datasets it is handed are inputs too: the nearest of each role.
        inputs.AddRange(context.Available.Where(a => a.Type == ArtifactTypes.Dataset).DistinctBy(a => a.Role));
        return inputs;
    }

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var outputs = (context.StringMap("outputs") ?? new Dictionary<string, string>()).ToDictionary(o => o.Key, o => context.FullPath(o.Value));
        foreach (var path in outputs.Values)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Delete(path);
        }
        var copies = new List<string>();
        try
        {
            return await RunAsync(context, inputs, outputs, copies, ct);
        }
        finally
        {
            copies.ForEach(File.Delete);
        }
    }

    private async Task<StepResult> RunAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, Dictionary<string, string> outputs, List<string> copies, CancellationToken ct)
    {
        var start = await StartAsync(context, inputs, outputs, copies, ct);
        var tail = new Queue<string>();
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw GyreException.Invalid($"run: cannot start '{start.FileName}': {e.Message}");
        }
        await context.Log.WriteLineAsync($"$ {Describe(context)}");
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput, context.Log, tail), PumpAsync(process.StandardError, context.Log, tail));
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await DrainAsync(pumps);
            throw;
        }
        // A child left running in the background can hold the pipes open: its output is not waited for long.
        await DrainAsync(pumps);
        if (process.ExitCode != 0)
        {
            throw GyreException.Invalid(string.Create(CultureInfo.InvariantCulture,
                $"run: the command exited with code {process.ExitCode}{(tail.Count > 0 ? ": " + string.Join(" | ", tail) : "")}"));
        }
        var made = new List<PipelineArtifact>();
        foreach (var (name, path) in outputs)
        {
            if (!File.Exists(path))
            {
                throw GyreException.Invalid($"outputs.{name}: the command succeeded but did not write {path}");
            }
            var output = await Files.ArtifactAsync("file:" + name, path, ct, $"outputs.{name}");
            await kept.SaveAsync(path, output.Digest, ct);
            made.Add(output);
        }
        return new StepResult(made, made.Count == 0 ? "exited 0" : $"exited 0, wrote {string.Join(", ", outputs.Keys)}");
    }

    private async Task<ProcessStartInfo> StartAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, Dictionary<string, string> outputs, List<string> copies, CancellationToken ct)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = context.String("workdir") is { } workdir ? context.FullPath(workdir) : context.Directory ?? Environment.CurrentDirectory,
        };
        if (context.Step.With["run"] is JsonArray && context.Strings("run") is { Count: > 0 } argv)
        {
            start.FileName = argv[0];
            foreach (var argument in argv.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = "/bin/sh";
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(context.String("run")!);
        }
        start.Environment["GYRE_PIPELINE"] = context.Pipeline;
        start.Environment["GYRE_RUN_ID"] = context.RunKey;
        start.Environment["GYRE_STEP"] = context.Step.Id;
        foreach (var dataset in inputs.Where(i => i.Type == ArtifactTypes.Dataset))
        {
            var (name, version) = ArtifactUris.ParseDataset(dataset.Uri)!.Value;
            var stored = await Datasets.GetVersionAsync(name, version, ct);
            var path = await objects.LocalPathAsync(stored.Digest, stored.Format, ct);
            if (context.String("dataset_format") == "csv" && stored.Format != Data.DatasetFormat.Csv)
            {
                var copy = scratch.NewFile(".csv", dataset.Role);
                copies.Add(copy);
                await exporter.ExportCsvAsync(path, stored, copy, ct);
                path = copy;
            }
            start.Environment[$"GYRE_DATASET_{EnvName(dataset.Role)}"] = path;
        }
        foreach (var (name, path) in outputs)
        {
            start.Environment[$"GYRE_OUTPUT_{EnvName(name)}"] = path;
        }
        foreach (var (name, value) in context.StringMap("env") ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return start;
    }

    private static async Task DrainAsync(Task pumps)
    {
        try
        {
            await pumps.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // The rest of the output is lost; the step's result does not depend on it.
        }
    }

    private static string Describe(StepContext context) =>
        context.Step.With["run"] is JsonArray list ? string.Join(' ', list.Select(a => a!.GetValue<string>())) : context.String("run")!;

    private static string EnvName(string role) => new([.. role.ToUpperInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);

    private static async Task PumpAsync(StreamReader reader, TextWriter log, Queue<string> tail)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (tail)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                tail.Enqueue(line);
                if (tail.Count > TailLines)
                {
                    tail.Dequeue();
                }
            }
        }
    }
}
