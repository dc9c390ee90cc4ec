using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Reads an Open Inference Protocol request's input tensors into rows, for JSON and gRPC alike. A
/// per-column model takes one tensor per column, shape <c>[batch]</c> or <c>[batch, 1]</c>; a model
/// with a <c>[batch, n]</c> input takes that tensor. Data is row-major. Tensors the model does not
/// read are ignored. Each row is logged as JSON: <c>{column: value}</c>, or <c>{tensor: [values]}</c>.
/// </summary>
public static class OipTensors
{
    public static ParsedRequest Read(IReadOnlyList<OipTensor> tensors, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        var byName = new Dictionary<string, OipTensor>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            if (!byName.TryAdd(tensor.Name, tensor))
            {
                throw GyreException.Invalid($"{Where(tensor)}.name: '{tensor.Name}' is given twice");
            }
            if (tensor.Shape.FirstOrDefault(d => d <= 0, 1) is var bad and <= 0)
            {
                throw GyreException.Invalid($"{Where(tensor)}.shape: expected positive integers, got {bad}");
            }
        }
        return vectorInput is not null && byName.TryGetValue(vectorInput, out var matrix)
            ? Matrix(matrix, inputs, maxRows)
            : PerColumn(byName, inputs, vectorInput, maxRows);
    }

    private static string Where(OipTensor tensor) => $"inputs[{ValueReader.Index(tensor.Index)}]";

    private static ParsedRequest Matrix(OipTensor tensor, IReadOnlyList<ModelInput> inputs, int maxRows)
    {
        var where = Where(tensor);
        if (tensor.Shape.Count != 2 || tensor.Shape[1] != inputs.Count)
        {
            throw GyreException.Invalid($"{where}.shape: expected [batch, {inputs.Count}], got [{string.Join(", ", tensor.Shape)}]");
        }
        CheckType(where, tensor.Datatype, text: false);
        var rows = InstancesReader.CheckRows($"{where}.shape", tensor.Shape[0], maxRows);
        tensor.Data.CheckCount((long)rows * inputs.Count, $"{where}.{tensor.Data.Field}");
        var columns = InstancesReader.Columns(inputs, rows);
        var rowInputs = new string[rows];
        var name = JsonSerializer.Serialize(tensor.Name);
        for (var r = 0; r < rows; r++)
        {
            var row = new StringBuilder("{").Append(name).Append(":[");
            for (var j = 0; j < inputs.Count; j++)
            {
                var i = (r * inputs.Count) + j;
                columns[j].Numbers![r] = tensor.Data.Number(i, tensor.Datatype, inputs[j], new ValuePath("inputs", tensor.Index, tensor.Data.Field, i));
                tensor.Data.AppendJson(row.Append(j > 0 ? "," : ""), i);
            }
            rowInputs[r] = row.Append("]}").ToString();
        }
        return new ParsedRequest(new FeatureBatch(rows, columns), rowInputs);
    }

    private static ParsedRequest PerColumn(Dictionary<string, OipTensor> byName, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        int? rows = null;
        var found = new OipTensor[inputs.Count];
        for (var j = 0; j < inputs.Count; j++)
        {
            if (!byName.TryGetValue(inputs[j].Name, out var tensor))
            {
                var alternative = vectorInput is null ? "" : $", or '{vectorInput}' of shape [batch, {inputs.Count}]";
                throw GyreException.Invalid($"inputs: missing {ValueReader.Describe(inputs[j])} of shape [batch, 1]{alternative}");
            }
            var where = Where(tensor);
            var shape = tensor.Shape;
            if (shape.Count is not (1 or 2) || (shape.Count == 2 && shape[1] != 1))
            {
                throw GyreException.Invalid($"{where}.shape: '{inputs[j].Name}' is one column, expected [batch] or [batch, 1], got [{string.Join(", ", shape)}]");
            }
            CheckType(where, tensor.Datatype, inputs[j].Text);
            if (rows is { } known && known != shape[0])
            {
                throw GyreException.Invalid($"{where}.shape: every input needs the same batch size; '{inputs[j].Name}' has {shape[0]}, others {known}");
            }
            rows = InstancesReader.CheckRows($"{where}.shape", shape[0], maxRows);
            tensor.Data.CheckCount(rows.Value, $"{where}.{tensor.Data.Field}");
            found[j] = tensor;
        }
        var columns = InstancesReader.Columns(inputs, rows!.Value);
        var rowInputs = new string[rows.Value];
        var names = QuotedNames.Of(inputs);
        for (var r = 0; r < rows.Value; r++)
        {
            var row = new StringBuilder("{");
            for (var j = 0; j < inputs.Count; j++)
            {
                var tensor = found[j];
                var at = new ValuePath("inputs", tensor.Index, tensor.Data.Field, r);
                if (inputs[j].Text)
                {
                    columns[j].Texts![r] = tensor.Data.Text(r, inputs[j], at);
                }
                else
                {
                    columns[j].Numbers![r] = tensor.Data.Number(r, tensor.Datatype, inputs[j], at);
                }
                row.Append(j > 0 ? "," : "").Append(names[j]).Append(':');
                tensor.Data.AppendJson(row, r);
            }
            rowInputs[r] = row.Append('}').ToString();
        }
        return new ParsedRequest(new FeatureBatch(rows.Value, columns), rowInputs);
    }

    private static void CheckType(string where, string datatype, bool text)
    {
        if (text ? datatype != TensorDataTypes.Bytes : !OipDatatypes.Numeric.Contains(datatype))
        {
            throw GyreException.Invalid($"{where}.datatype: expected {(text ? "BYTES" : "a numeric datatype (FP32, FP64, INT64, ...)")}, got '{datatype}'");
        }
    }
}
