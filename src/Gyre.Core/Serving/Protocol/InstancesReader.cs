using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Reads the simple JSON dialect: <c>{"instances": [{column: value, …}, …]}</c> or
/// <c>{"dataframe_split": {"columns": […], "data": [[…], …]}}</c> (MLflow's two forms). A model with
/// a <c>[batch, n]</c> input also takes that input's name with n numbers in an instance. Columns the
/// model does not read are ignored.
/// </summary>
public static class InstancesReader
{
    public static ParsedRequest Read(JsonElement root, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw GyreException.Invalid($"body: expected an object with \"instances\" or \"dataframe_split\", got {ValueReader.Kind(root)}");
        }
        var hasInstances = root.TryGetProperty("instances", out var instances);
        var hasFrame = root.TryGetProperty("dataframe_split", out var frame);
        if (hasInstances == hasFrame)
        {
            throw GyreException.Invalid(hasInstances
                ? "body: expected one of \"instances\" and \"dataframe_split\", got both"
                : "body: expected {\"instances\": [{column: value, ...}]} or {\"dataframe_split\": {\"columns\": [...], \"data\": [[...]]}}");
        }
        return hasInstances ? Instances(instances, inputs, vectorInput, maxRows) : Frame(frame, inputs, maxRows);
    }

    private static ParsedRequest Instances(JsonElement instances, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        if (instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
        {
            throw GyreException.Invalid($"instances: expected a non-empty array of objects, got {(instances.ValueKind == JsonValueKind.Array ? "an empty array" : ValueReader.Kind(instances))}");
        }
        var rows = CheckRows("instances", instances.GetArrayLength(), maxRows);
        var columns = Columns(inputs, rows);
        var rowInputs = new string[rows];
        var r = 0;
        var found = inputs.Count <= 256 ? stackalloc bool[inputs.Count] : new bool[inputs.Count];
        foreach (var instance in instances.EnumerateArray())
        {
            if (instance.ValueKind != JsonValueKind.Object)
            {
                throw GyreException.Invalid($"instances[{ValueReader.Index(r)}]: expected an object of column values, got {ValueReader.Kind(instance)}");
            }
            if (vectorInput is not null && instance.TryGetProperty(vectorInput, out var vector) && vector.ValueKind == JsonValueKind.Array)
            {
                if (vector.GetArrayLength() != inputs.Count)
                {
                    throw GyreException.Invalid($"instances[{ValueReader.Index(r)}].{vectorInput}: expected {inputs.Count} numbers, got {vector.GetArrayLength()}");
                }
                var j = 0;
                foreach (var item in vector.EnumerateArray())
                {
                    columns[j].Numbers![r] = ValueReader.Number(item, inputs[j], new ValuePath("instances", r, vectorInput, j));
                    j++;
                }
            }
            else
            {
                ReadColumns(instance, inputs, columns, r, found, vectorInput);
            }
            rowInputs[r] = instance.GetRawText();
            r++;
        }
        return new ParsedRequest(new FeatureBatch(rows, columns), rowInputs);
    }

    /// <summary>
    /// Sets row <paramref name="r"/> of every column from one instance, walking its properties once:
    /// callers usually send the columns in the model's order, so each name is first compared with the
    /// column after the last one found, and only searched for when it is not that one.
    /// </summary>
    private static void ReadColumns(JsonElement instance, IReadOnlyList<ModelInput> inputs, FeatureColumn[] columns, int r, Span<bool> found, string? vectorInput)
    {
        found.Clear();
        var next = 0;
        foreach (var property in instance.EnumerateObject())
        {
            var j = next < inputs.Count && property.NameEquals(inputs[next].Name) ? next : IndexOf(inputs, property);
            if (j < 0)
            {
                continue; // a column the model does not read
            }
            Set(columns[j], inputs[j], r, property.Value, new ValuePath("instances", r, inputs[j].Name));
            found[j] = true;
            next = j + 1;
        }
        if (found.IndexOf(false) is var missing and >= 0)
        {
            var alternative = vectorInput is null ? "" : $", or '{vectorInput}' with {inputs.Count} numbers";
            throw GyreException.Invalid($"instances[{ValueReader.Index(r)}]: missing column {ValueReader.Describe(inputs[missing])}{alternative}");
        }
    }

    private static int IndexOf(IReadOnlyList<ModelInput> inputs, JsonProperty property)
    {
        for (var j = 0; j < inputs.Count; j++)
        {
            if (property.NameEquals(inputs[j].Name))
            {
                return j;
            }
        }
        return -1;
    }

    private static ParsedRequest Frame(JsonElement frame, IReadOnlyList<ModelInput> inputs, int maxRows)
    {
        if (frame.ValueKind != JsonValueKind.Object || !frame.TryGetProperty("columns", out var names) || names.ValueKind != JsonValueKind.Array
            || !frame.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw GyreException.Invalid("dataframe_split: expected {\"columns\": [names], \"data\": [[values], ...]}");
        }
        var header = new List<string>();
        foreach (var name in names.EnumerateArray())
        {
            header.Add(name.ValueKind == JsonValueKind.String ? name.GetString()! : throw GyreException.Invalid($"dataframe_split.columns[{ValueReader.Index(header.Count)}]: expected a column name, got {ValueReader.Kind(name)}"));
        }
        var positions = inputs.Select(i => header.IndexOf(i.Name)).ToArray();
        if (Array.IndexOf(positions, -1) is var absent and >= 0)
        {
            throw GyreException.Invalid($"dataframe_split.columns: missing column {ValueReader.Describe(inputs[absent])}");
        }
        if (data.GetArrayLength() == 0)
        {
            throw GyreException.Invalid("dataframe_split.data: expected at least one row");
        }
        var rows = CheckRows("dataframe_split.data", data.GetArrayLength(), maxRows);
        var columns = Columns(inputs, rows);
        var rowInputs = new string[rows];
        var r = 0;
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != header.Count)
            {
                throw GyreException.Invalid($"dataframe_split.data[{ValueReader.Index(r)}]: expected an array of {header.Count} values, one per column");
            }
            for (var j = 0; j < inputs.Count; j++)
            {
                Set(columns[j], inputs[j], r, row[positions[j]], new ValuePath("dataframe_split.data", r, Item: positions[j]));
            }
            rowInputs[r] = RowObject(header, row);
            r++;
        }
        return new ParsedRequest(new FeatureBatch(rows, columns), rowInputs);
    }

    internal static int CheckRows(string field, long rows, int maxRows) => rows <= maxRows ? (int)rows
        : throw new GyreException(ErrorCode.PayloadTooLarge, $"{field}: {rows} rows; a request takes at most {maxRows}");

    internal static FeatureColumn[] Columns(IReadOnlyList<ModelInput> inputs, int rows) =>
        [.. inputs.Select(i => i.Text ? new FeatureColumn(i.Name, null, new string?[rows]) : new FeatureColumn(i.Name, new double[rows], null))];

    internal static void Set(FeatureColumn column, ModelInput input, int row, JsonElement value, ValuePath where)
    {
        if (input.Text)
        {
            column.Texts![row] = ValueReader.Text(value, input, where);
        }
        else
        {
            column.Numbers![row] = ValueReader.Number(value, input, where);
        }
    }

    private static string RowObject(IReadOnlyList<string> header, JsonElement row)
    {
        var text = new StringBuilder("{");
        var i = 0;
        foreach (var value in row.EnumerateArray())
        {
            if (i > 0)
            {
                text.Append(',');
            }
            text.Append(JsonSerializer.Serialize(header[i])).Append(':').Append(value.GetRawText());
            i++;
        }
        return text.Append('}').ToString();
    }
}
