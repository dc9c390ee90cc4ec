using Gyre.Core.Errors;
using Gyre.Core.Models;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Gyre.Learning.MlNet;

/// <summary>
/// Loads the ML.NET model of a package after checking it: the file's SHA-256 must be the
/// manifest's, the file must be an ML.NET model, and the model must read the manifest's feature
/// columns (by position, f0..fn) with the signature's types. ML.NET instantiates only its own
/// registered components while loading, so nothing in a package runs as code.
/// </summary>
public static class MlNetPackageLoader
{
    public static (MLContext Context, ITransformer Model) Load(ModelPackage package, byte[] model)
    {
        ModelFlavors.Require(package, ModelFlavors.MlNet);
        ModelPackages.VerifyChecksum(package, model);
        var ml = new MLContext(seed: 0);
        ITransformer transformer;
        DataViewSchema inputs;
        try
        {
            using var stream = new MemoryStream(model);
            transformer = ml.Model.Load(stream, out inputs);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or ArgumentException or IOException)
        {
            throw GyreException.Invalid($"model: {package.ModelFile} is not an ML.NET model ML.NET can load: {e.Message.Split('\n')[0]}");
        }
        CheckInputs(package, inputs);
        return (ml, transformer);
    }

    private static void CheckInputs(ModelPackage package, DataViewSchema inputs)
    {
        var problems = new List<string>();
        var columns = ModelInput.Of(package);
        for (var i = 0; i < columns.Count; i++)
        {
            var expected = columns[i].Text ? (DataViewType)TextDataViewType.Instance : NumberDataViewType.Single;
            var found = inputs.GetColumnOrNull(MlNetTrainer.Column(i));
            if (found is not { } column || !column.Type.Equals(expected))
            {
                problems.Add($"signature: input '{columns[i].Name}' is {(columns[i].Text ? TensorDataTypes.Bytes : TensorDataTypes.Fp32)} in the manifest, "
                    + $"but the model's column {MlNetTrainer.Column(i)} is {(found is { } f ? f.Type.ToString() : "missing")}");
            }
        }
        var extra = inputs.Count(c => !c.IsHidden && c.Name.StartsWith('f') && int.TryParse(c.Name.AsSpan(1), out var k) && k >= columns.Count);
        if (extra > 0)
        {
            problems.Add($"signature: the manifest names {columns.Count} feature columns, the model reads {columns.Count + extra}");
        }
        GyreException.ThrowIfAny(problems);
    }
}
