using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Reads an Open Inference Protocol infer request in JSON: <c>{"id"?, "parameters"?, "inputs":
/// [{"name", "shape", "datatype", "data"}], "outputs"?: [{"name"}]}</c>, into the tensors that
/// <see cref="OipTensors"/> reads into rows.
/// </summary>
public static class OipReader
{
    /// <summary>The request's <c>id</c>, echoed in the answer; null when it has none.</summary>
    public static string? RequestId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id)
            ? id.ValueKind == JsonValueKind.String ? id.GetString() : throw GyreException.Invalid($"id: expected a string, got {ValueReader.Kind(id)}")
            : null;

    /// <summary>The names in the request's <c>outputs</c>, in order; null when it asks for none (all outputs).</summary>
    public static IReadOnlyList<string>? Outputs(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("outputs", out var outputs) || outputs.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (outputs.ValueKind != JsonValueKind.Array)
        {
            throw GyreException.Invalid($"outputs: expected an array of {{name}}, got {ValueReader.Kind(outputs)}");
        }
        var names = new List<string>();
        foreach (var output in outputs.EnumerateArray())
        {
            names.Add(output.ValueKind == JsonValueKind.Object && output.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                ? name.GetString()!
                : throw GyreException.Invalid($"outputs[{ValueReader.Index(names.Count)}]: expected {{\"name\": OUTPUT}}"));
        }
        return names;
    }

    public static ParsedRequest Read(JsonElement root, IPredictor predictor, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw GyreException.Invalid("inputs: expected a non-empty array of tensors {name, shape, datatype, data}");
        }
        var tensors = new List<OipTensor>(inputs.GetArrayLength());
        foreach (var tensor in inputs.EnumerateArray())
        {
            tensors.Add(Tensor(tensor, tensors.Count));
        }
        RequestId(root);
        OipOutputs.Check(Outputs(root), predictor.Package);
        return OipTensors.Read(tensors, predictor.Inputs, predictor.Package.FeatureInput, maxRows);
    }

    private static OipTensor Tensor(JsonElement tensor, int index)
    {
        var where = $"inputs[{ValueReader.Index(index)}]";
        if (tensor.ValueKind != JsonValueKind.Object || !tensor.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw GyreException.Invalid($"{where}: expected a tensor {{name, shape, datatype, data}}");
        }
        if (!tensor.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw GyreException.Invalid($"{where}.shape: expected an array of dimensions");
        }
        var shape = new List<long>();
        foreach (var d in shapeValue.EnumerateArray())
        {
            shape.Add(d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var n) ? n
                : throw GyreException.Invalid($"{where}.shape: expected positive integers, got {d.GetRawText()}"));
        }
        if (!tensor.TryGetProperty("datatype", out var datatype) || datatype.ValueKind != JsonValueKind.String)
        {
            throw GyreException.Invalid($"{where}.datatype: expected a datatype such as FP32 or BYTES");
        }
        if (!tensor.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw GyreException.Invalid($"{where}.data: expected an array of values");
        }
        return new OipTensor(index, name.GetString()!, shape, datatype.GetString()!, new JsonTensorData(data));
    }
}
