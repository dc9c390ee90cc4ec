using Gyre.Core.Errors;

namespace Gyre.Core.Models;

/// <summary>
/// Makes the manifest of an imported model from its signature and the user's options, checking
/// every option against the graph and against the task; every problem is reported at once.
/// </summary>
public static class ModelPackages
{
    /// <summary>A model file's digest as manifests write it: <c>sha256:</c> and 64 hex digits.</summary>
    public static string Digest(byte[] model) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(model));

    /// <summary>Conflict when the model file is not the one the manifest was made for.</summary>
    public static void VerifyChecksum(ModelPackage package, byte[] model)
    {
        var digest = Digest(model);
        if (digest != package.Sha256)
        {
            throw GyreException.Conflict($"package: {package.ModelFile} has checksum {digest}, the manifest says {package.Sha256}; the file was changed");
        }
    }

    public static ModelPackage Build(string flavor, string modelFile, string sha256, ModelSignature signature, ImportOptions options, long now)
    {
        var problems = new List<string>();
        var task = options.Task?.ToLowerInvariant();
        if (task is not null && !ModelTasks.All.Contains(task))
        {
            problems.Add($"task: expected one of {string.Join(", ", ModelTasks.All)}, got '{options.Task}'");
        }
        var (featureInput, columns) = Features(signature, options, problems);
        var output = options.Output ?? (signature.Outputs.Count > 0 ? signature.Outputs[0].Name : null);
        var outputSpec = signature.Outputs.FirstOrDefault(o => o.Name == output);
        if (outputSpec is null)
        {
            problems.Add($"output: '{output}' is not an output of the model; its outputs are {string.Join(", ", signature.Outputs.Select(o => o.Name))}");
        }
        var meaning = options.OutputMeaning?.ToLowerInvariant() ?? DefaultMeaning(task, outputSpec);
        if (meaning is not null && !ModelTasks.OutputMeanings.Contains(meaning))
        {
            problems.Add($"output_meaning: expected one of {string.Join(", ", ModelTasks.OutputMeanings)}, got '{options.OutputMeaning}'");
        }
        if (outputSpec is not null && task is not null)
        {
            CheckTask(task, meaning, Width(outputSpec), options.Classes, problems);
        }
        if (options.Classes is { } classes && (classes.Count != classes.Distinct(StringComparer.Ordinal).Count() || classes.Any(string.IsNullOrEmpty)))
        {
            problems.Add("classes: expected distinct, non-empty class labels");
        }
        GyreException.ThrowIfAny(problems);
        return new ModelPackage(ModelPackage.CurrentFormat, flavor, modelFile, sha256, signature, task, featureInput, columns, output!, meaning, options.Classes, now);
    }

    /// <summary>
    /// Checks a manifest that came from outside (an uploaded package) the way Gyre checks its own:
    /// an ONNX manifest must be one that importing the model with its options would give, an
    /// ML.NET one must read one <c>[batch, 1]</c> column per feature (FP32 or BYTES) and answer as
    /// its task says. Whether the model file agrees is the loader's check.
    /// </summary>
    public static ModelPackage Check(ModelPackage manifest)
    {
        var problems = new List<string>();
        if (manifest.FormatVersion != ModelPackage.CurrentFormat)
        {
            problems.Add($"format_version: expected {ModelPackage.CurrentFormat}, got {manifest.FormatVersion}");
        }
        var extension = ModelFlavors.Find(manifest.Flavor)?.FileExtension;
        if (extension is null)
        {
            problems.Add(ModelFlavors.Problem("flavor", manifest.Flavor)!);
        }
        else if (manifest.ModelFile is not { Length: > 0 and <= 100 } file || !file.EndsWith(extension, StringComparison.Ordinal)
            || file == ModelPackage.ManifestFile || !file.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') || file.StartsWith('.'))
        {
            problems.Add($"model_file: expected a plain file name ending in {extension} (letters, digits, '.', '_', '-'), got '{manifest.ModelFile}'");
        }
        if (manifest.Sha256 is not { Length: 71 } sha || !sha.StartsWith("sha256:", StringComparison.Ordinal))
        {
            problems.Add($"sha256: expected 'sha256:' and 64 hex digits, got '{manifest.Sha256}'");
        }
        if (manifest.Signature?.Inputs is null || manifest.Signature.Outputs is null || manifest.FeatureColumns is null || manifest.Output is null)
        {
            problems.Add("signature: expected inputs and outputs, feature_columns and output");
        }
        GyreException.ThrowIfAny(problems);
        if (manifest.Flavor == ModelPackage.Onnx)
        {
            var built = Build(manifest.Flavor, manifest.ModelFile, manifest.Sha256, manifest.Signature!,
                new ImportOptions(manifest.Task, manifest.FeatureInput, manifest.FeatureColumns, manifest.Output, manifest.OutputMeaning, manifest.Classes), manifest.CreationTime);
            return built with { Label = manifest.Label };
        }
        if (manifest.Task is not { } task || !ModelTasks.All.Contains(task))
        {
            problems.Add($"task: an ML.NET package needs one of {string.Join(", ", ModelTasks.All)}, got '{manifest.Task}'");
        }
        if (manifest.FeatureInput is not null)
        {
            problems.Add("feature_input: an ML.NET package reads one input per column; expected none");
        }
        var inputs = manifest.Signature!.Inputs;
        if (!inputs.Select(i => i.Name).SequenceEqual(manifest.FeatureColumns!))
        {
            problems.Add($"feature_columns: expected the signature's inputs in order ({string.Join(", ", inputs.Select(i => i.Name))})");
        }
        foreach (var input in inputs.Where(i => i.DataType is not (TensorDataTypes.Fp32 or TensorDataTypes.Bytes) || i.Shape.Count != 2 || i.Shape[1] != 1))
        {
            problems.Add($"signature: input '{input.Name}' is {input.DataType} [{string.Join(", ", input.Shape)}]; an ML.NET package takes FP32 or BYTES columns of shape [-1, 1]");
        }
        var output = manifest.Signature.Outputs!.FirstOrDefault(o => o.Name == manifest.Output);
        if (output is null)
        {
            problems.Add($"output: '{manifest.Output}' is not among the signature's outputs");
        }
        else if (manifest.Task is { } known && ModelTasks.All.Contains(known))
        {
            var expected = DefaultMeaning(known, output);
            if (manifest.OutputMeaning != expected)
            {
                problems.Add($"output_meaning: an ML.NET {known} model gives {expected}, the manifest says '{manifest.OutputMeaning}'");
            }
            CheckTask(known, manifest.OutputMeaning, Width(output), manifest.Classes, problems);
            if (known != ModelTasks.Regression && manifest.Classes is null)
            {
                problems.Add("classes: a classifier's package names its classes");
            }
        }
        GyreException.ThrowIfAny(problems);
        return manifest;
    }

    /// <summary>
    /// The feature input and its columns: one <c>[batch, n]</c> tensor whose n columns the user
    /// names (or that get the names f0..f(n−1)), or one <c>[batch, 1]</c> input per column.
    /// </summary>
    private static (string? Input, IReadOnlyList<string> Columns) Features(ModelSignature signature, ImportOptions options, List<string> problems)
    {
        var perColumn = signature.Inputs.Count > 1 || (signature.Inputs.Count == 1 && Width(signature.Inputs[0]) == 1 && options.FeatureColumns is null);
        if (options.FeatureInput is null && perColumn)
        {
            foreach (var input in signature.Inputs.Where(i => i.Shape.Count != 2 || Width(i) != 1))
            {
                problems.Add($"inputs: '{input.Name}' has shape [{string.Join(", ", input.Shape)}]; with several inputs each must be one column, [batch, 1]");
            }
            if (options.FeatureColumns is { } named && !named.SequenceEqual(signature.Inputs.Select(i => i.Name)))
            {
                problems.Add($"feature_columns: a model with one input per column takes its columns' names from its inputs ({string.Join(", ", signature.Inputs.Select(i => i.Name))})");
            }
            return (null, signature.Inputs.Select(i => i.Name).ToList());
        }
        var name = options.FeatureInput ?? (signature.Inputs.Count > 0 ? signature.Inputs[0].Name : null);
        var spec = signature.Inputs.FirstOrDefault(i => i.Name == name);
        if (spec is null)
        {
            problems.Add($"feature_input: '{name}' is not an input of the model; its inputs are {string.Join(", ", signature.Inputs.Select(i => i.Name))}");
            return (name, []);
        }
        if (spec.Shape.Count != 2)
        {
            problems.Add($"feature_input: '{name}' has shape [{string.Join(", ", spec.Shape)}]; expected [batch, n]");
            return (name, []);
        }
        var width = spec.Shape[1];
        if (options.FeatureColumns is { } columns)
        {
            if (width >= 0 && columns.Count != width)
            {
                problems.Add($"feature_columns: '{name}' takes {width} columns, {columns.Count} were named");
            }
            if (columns.Distinct(StringComparer.OrdinalIgnoreCase).Count() != columns.Count || columns.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add("feature_columns: expected distinct, non-empty column names");
            }
            return (name, columns);
        }
        if (width < 0)
        {
            problems.Add($"feature_columns: '{name}' has a variable number of columns; name them");
            return (name, []);
        }
        return (name, Enumerable.Range(0, (int)width).Select(i => $"f{i}").ToList());
    }

    private static void CheckTask(string task, string? meaning, long width, IReadOnlyList<string>? classes, List<string> problems)
    {
        switch (task)
        {
            case ModelTasks.Regression when width != 1 || meaning is not (ModelTasks.Value or ModelTasks.Score):
                problems.Add($"output_meaning: a regression's output is one value per row, meaning value; the output has {width} columns, meaning {meaning}");
                break;
            case ModelTasks.Binary when !(width == 1 && meaning is ModelTasks.Probability or ModelTasks.Score) && !(width == 2 && meaning == ModelTasks.Probabilities):
                problems.Add($"output_meaning: a binary model's output is one probability (or score) per row, or two probabilities; the output has {width} columns, meaning {meaning}");
                break;
            case ModelTasks.Multiclass when meaning is not (ModelTasks.Probabilities or ModelTasks.Score) || width < 2:
                problems.Add($"output_meaning: a multiclass model's output is one probability (or score) per class; the output has {width} columns, meaning {meaning}");
                break;
        }
        if (classes is { } named)
        {
            var expected = task == ModelTasks.Binary ? 2 : width;
            if (task == ModelTasks.Regression)
            {
                problems.Add("classes: a regression has no classes");
            }
            else if (named.Count != expected)
            {
                problems.Add($"classes: the output has {expected} classes, {named.Count} were named");
            }
        }
    }

    private static string? DefaultMeaning(string? task, TensorSpec? output) => task switch
    {
        ModelTasks.Regression => ModelTasks.Value,
        ModelTasks.Binary => output is not null && Width(output) == 2 ? ModelTasks.Probabilities : ModelTasks.Probability,
        ModelTasks.Multiclass => ModelTasks.Probabilities,
        _ => null,
    };

    /// <summary>The number of columns of a [batch, n] tensor (1 for [batch]); -1 when variable.</summary>
    private static long Width(TensorSpec spec) => spec.Shape.Count switch
    {
        1 => 1,
        2 => spec.Shape[1],
        _ => -1,
    };
}
