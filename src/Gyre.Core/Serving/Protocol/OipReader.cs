using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Reads an Open Inference Protocol v2 infer request: <c>{"id"?, "inputs": [{"name", "shape",
/// "datatype", "data"}]}</c>. A per-column model takes one tensor per column, shape <c>[batch]</c>
/// or <c>[batch, 1]</c>; a model with a <c>[batch, n]</c> input takes that tensor. <c>data</c> is
/// row-major, flat or nested. Tensors the model does not read are ignored.
/// </summary>
public static class OipReader
{
    /// <summary>The request's <c>id</c>, echoed in the answer; null when it has none.</summary>
    public static string? RequestId(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var id)
            ? id.ValueKind == JsonValueKind.String ? id.GetString() : throw GyreException.Invalid($"id: expected a string, got {ValueReader.Kind(id)}")
            : null;

    public static ParsedRequest Read(JsonElement root, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("inputs", out var tensors) || tensors.ValueKind != JsonValueKind.Array || tensors.GetArrayLength() == 0)
        {
            throw GyreException.Invalid("inputs: expected a non-empty array of tensors {name, shape, datatype, data}");
        }
        var byName = new Dictionary<string, (int Index, JsonElement Tensor)>(StringComparer.Ordinal);
        var i = 0;
        foreach (var tensor in tensors.EnumerateArray())
        {
            var where = $"inputs[{ValueReader.Index(i)}]";
            if (tensor.ValueKind != JsonValueKind.Object || !tensor.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw GyreException.Invalid($"{where}: expected a tensor {{name, shape, datatype, data}}");
            }
            if (!byName.TryAdd(name.GetString()!, (i, tensor)))
            {
                throw GyreException.Invalid($"{where}.name: '{name.GetString()}' is given twice");
            }
            i++;
        }
        if (vectorInput is not null && byName.TryGetValue(vectorInput, out var matrix))
        {
            return Matrix(matrix.Index, matrix.Tensor, inputs, maxRows);
        }
        return PerColumn(byName, inputs, vectorInput, maxRows);
    }

    private static ParsedRequest Matrix(int index, JsonElement tensor, IReadOnlyList<ModelInput> inputs, int maxRows)
    {
        var where = $"inputs[{ValueReader.Index(index)}]";
        var (shape, datatype, data) = Parts(tensor, where);
        if (shape.Count != 2 || shape[1] != inputs.Count)
        {
            throw GyreException.Invalid($"{where}.shape: expected [batch, {inputs.Count}], got [{string.Join(", ", shape)}]");
        }
        CheckType(where, datatype, text: false);
        var rows = InstancesReader.CheckRows($"{where}.shape", shape[0], maxRows);
        var values = Flatten(data, $"{where}.data", (long)rows * inputs.Count);
        var columns = InstancesReader.Columns(inputs, rows);
        var rowInputs = new string[rows];
        for (var r = 0; r < rows; r++)
        {
            var row = new StringBuilder("[");
            for (var j = 0; j < inputs.Count; j++)
            {
                var value = values[(r * inputs.Count) + j];
                var at = new ValuePath("inputs", index, "data", (r * inputs.Count) + j);
                OipDatatypes.Check(datatype, value, at);
                columns[j].Numbers![r] = ValueReader.Number(value, inputs[j], at);
                row.Append(j > 0 ? "," : "").Append(value.GetRawText());
            }
            rowInputs[r] = $"{{{JsonSerializer.Serialize(tensor.GetProperty("name").GetString())}:{row}]}}";
        }
        return new ParsedRequest(new FeatureBatch(rows, columns), rowInputs);
    }

    private static ParsedRequest PerColumn(Dictionary<string, (int Index, JsonElement Tensor)> byName, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        int? rows = null;
        var values = new List<JsonElement>[inputs.Count];
        var indexes = new int[inputs.Count];
        var datatypes = new string[inputs.Count];
        for (var j = 0; j < inputs.Count; j++)
        {
            if (!byName.TryGetValue(inputs[j].Name, out var found))
            {
                var alternative = vectorInput is null ? "" : $", or '{vectorInput}' of shape [batch, {inputs.Count}]";
                throw GyreException.Invalid($"inputs: missing {ValueReader.Describe(inputs[j])} of shape [batch, 1]{alternative}");
            }
            indexes[j] = found.Index;
            var where = $"inputs[{ValueReader.Index(found.Index)}]";
            var (shape, datatype, data) = Parts(found.Tensor, where);
            if (shape.Count is not (1 or 2) || (shape.Count == 2 && shape[1] != 1))
            {
                throw GyreException.Invalid($"{where}.shape: '{inputs[j].Name}' is one column, expected [batch] or [batch, 1], got [{string.Join(", ", shape)}]");
            }
            CheckType(where, datatype, inputs[j].Text);
            datatypes[j] = datatype;
            if (rows is { } known && known != shape[0])
            {
                throw GyreException.Invalid($"{where}.shape: every input needs the same batch size; '{inputs[j].Name}' has {shape[0]}, others {known}");
            }
            rows = InstancesReader.CheckRows($"{where}.shape", shape[0], maxRows);
            values[j] = Flatten(data, $"{where}.data", rows.Value);
        }
        var columns = InstancesReader.Columns(inputs, rows!.Value);
        var rowInputs = new string[rows.Value];
        for (var r = 0; r < rows.Value; r++)
        {
            var row = new StringBuilder("{");
            for (var j = 0; j < inputs.Count; j++)
            {
                var at = new ValuePath("inputs", indexes[j], "data", r);
                if (!inputs[j].Text)
                {
                    OipDatatypes.Check(datatypes[j], values[j][r], at);
                }
                InstancesReader.Set(columns[j], inputs[j], r, values[j][r], at);
                row.Append(j > 0 ? "," : "").Append(JsonSerializer.Serialize(inputs[j].Name)).Append(':').Append(values[j][r].GetRawText());
            }
            rowInputs[r] = row.Append('}').ToString();
        }
        return new ParsedRequest(new FeatureBatch(rows.Value, columns), rowInputs);
    }

    private static (List<long> Shape, string Datatype, JsonElement Data) Parts(JsonElement tensor, string where)
    {
        if (!tensor.TryGetProperty("shape", out var shapeValue) || shapeValue.ValueKind != JsonValueKind.Array)
        {
            throw GyreException.Invalid($"{where}.shape: expected an array of dimensions");
        }
        var shape = new List<long>();
        foreach (var d in shapeValue.EnumerateArray())
        {
            shape.Add(d.ValueKind == JsonValueKind.Number && d.TryGetInt64(out var n) && n > 0 ? n
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
        return (shape, datatype.GetString()!, data);
    }

    private static void CheckType(string where, string datatype, bool text)
    {
        if (text ? datatype != TensorDataTypes.Bytes : !OipDatatypes.Numeric.Contains(datatype))
        {
            throw GyreException.Invalid($"{where}.datatype: expected {(text ? "BYTES" : "a numeric datatype (FP32, FP64, INT64, ...)")}, got '{datatype}'");
        }
    }

    /// <summary>The leaves of <paramref name="data"/> in row-major order; exactly <paramref name="expected"/> of them.</summary>
    private static List<JsonElement> Flatten(JsonElement data, string where, long expected)
    {
        var leaves = new List<JsonElement>();
        void Walk(JsonElement element)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Array)
                {
                    Walk(item);
                }
                else if (leaves.Count < expected)
                {
                    leaves.Add(item);
                }
                else
                {
                    throw GyreException.Invalid($"{where}: the shape holds {expected} values, data has more");
                }
            }
        }
        Walk(data);
        return leaves.Count == expected ? leaves : throw GyreException.Invalid($"{where}: the shape holds {expected} values, data has {leaves.Count}");
    }
}
