using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Reads rows given as JSON, in the forms of the simple dialect, KServe V1 and MLflow:
/// <list type="bullet">
/// <item><b>instances</b> (rows): each an object <c>{column: value}</c>, an array of the model's
/// columns in order, or, for a one-column model, the value alone; a model with a <c>[batch, n]</c>
/// input also takes that input's name with n numbers in an object;</item>
/// <item><b>dataframe_split</b>: <c>{"columns": […], "data": [[…], …]}</c> (pandas' split orient; an
/// <c>index</c> is ignored);</item>
/// <item><b>columns</b> (TensorFlow Serving's columnar <c>inputs</c>): <c>{column: [value per row]}</c>.</item>
/// </list>
/// Columns the model does not read are ignored. Each row is logged as the object it was sent as, or
/// as <c>{column: value}</c> when it was sent without names.
/// </summary>
public static class InstancesReader
{
    private static readonly string[] Forms = ["instances", "dataframe_split"];

    /// <summary>The simple dialect's body: <c>instances</c> or <c>dataframe_split</c>.</summary>
    public static ParsedRequest Read(JsonElement root, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        var (form, value) = BodyForms.One(root, Forms,
            "{\"instances\": [{column: value, ...}]} or {\"dataframe_split\": {\"columns\": [...], \"data\": [[...]]}}");
        return form == "instances" ? Instances(value, "instances", inputs, vectorInput, maxRows) : Frame(value, inputs, maxRows);
    }

    /// <summary>Rows under <paramref name="field"/>: objects, arrays of the model's columns in order, or single values for a one-column model.</summary>
    public static ParsedRequest Instances(JsonElement instances, string field, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        if (instances.ValueKind != JsonValueKind.Array || instances.GetArrayLength() == 0)
        {
            throw GyreException.Invalid($"{field}: expected a non-empty array of rows, got {(instances.ValueKind == JsonValueKind.Array ? "an empty array" : ValueReader.Kind(instances))}");
        }
        var rows = CheckRows(field, instances.GetArrayLength(), maxRows);
        var columns = Columns(inputs, rows);
        var rowInputs = new string[rows];
        var r = 0;
        var found = inputs.Count <= 256 ? stackalloc bool[inputs.Count] : new bool[inputs.Count];
        foreach (var instance in instances.EnumerateArray())
        {
            if (instance.ValueKind == JsonValueKind.Array)
            {
                rowInputs[r] = Positional(instance, field, inputs, columns, r);
                r++;
                continue;
            }
            if (instance.ValueKind != JsonValueKind.Object)
            {
                if (inputs.Count != 1)
                {
                    throw GyreException.Invalid($"{field}[{ValueReader.Index(r)}]: expected an object of column values or an array of {inputs.Count}, got {ValueReader.Kind(instance)}");
                }
                Set(columns[0], inputs[0], r, instance, new ValuePath(field, r));
                rowInputs[r] = $"{{{QuotedNames.Of(inputs)[0]}:{instance.GetRawText()}}}";
                r++;
                continue;
            }
            if (vectorInput is not null && instance.TryGetProperty(vectorInput, out var vector) && vector.ValueKind == JsonValueKind.Array)
            {
                if (vector.GetArrayLength() != inputs.Count)
                {
                    throw GyreException.Invalid($"{field}[{ValueReader.Index(r)}].{vectorInput}: expected {inputs.Count} numbers, got {vector.GetArrayLength()}");
                }
                var j = 0;
                foreach (var item in vector.EnumerateArray())
                {
                    columns[j].Numbers![r] = ValueReader.Number(item, inputs[j], new ValuePath(field, r, vectorInput, j));
                    j++;
                }
            }
            else
            {
                ReadColumns(instance, field, inputs, columns, r, found, vectorInput);
            }
            rowInputs[r] = instance.GetRawText();
            r++;
        }
        return new ParsedRequest(new FeatureBatch(rows, columns), rowInputs);
    }

    /// <summary>A row sent as an array: the model's columns in order. Logged as <c>{column: value}</c>.</summary>
    private static string Positional(JsonElement row, string field, IReadOnlyList<ModelInput> inputs, FeatureColumn[] columns, int r)
    {
        if (row.GetArrayLength() != inputs.Count)
        {
            throw GyreException.Invalid($"{field}[{ValueReader.Index(r)}]: expected {inputs.Count} values, one per column ({string.Join(", ", inputs.Select(i => i.Name))}), got {row.GetArrayLength()}");
        }
        var text = new StringBuilder("{");
        var names = QuotedNames.Of(inputs);
        var j = 0;
        foreach (var value in row.EnumerateArray())
        {
            Set(columns[j], inputs[j], r, value, new ValuePath(field, r, Item: j));
            text.Append(j > 0 ? "," : "").Append(names[j]).Append(':').Append(value.GetRawText());
            j++;
        }
        return text.Append('}').ToString();
    }

    /// <summary>TensorFlow Serving's <c>inputs</c> (KServe V1, MLflow): columns as an object, <see cref="Columnar"/>, or rows as an array, <see cref="Instances"/>.</summary>
    public static ParsedRequest Inputs(JsonElement inputs, IReadOnlyList<ModelInput> columns, string? vectorInput, int maxRows) =>
        inputs.ValueKind == JsonValueKind.Object
            ? Columnar(inputs, "inputs", columns, vectorInput, maxRows)
            : Instances(inputs, "inputs", columns, vectorInput, maxRows);

    /// <summary>
    /// TensorFlow Serving's columnar form under <paramref name="field"/>: <c>{column: [value per row]}</c>,
    /// every column the same length; a model with a <c>[batch, n]</c> input also takes that input's
    /// name with a row of n numbers per row.
    /// </summary>
    public static ParsedRequest Columnar(JsonElement columnsByName, string field, IReadOnlyList<ModelInput> inputs, string? vectorInput, int maxRows)
    {
        if (vectorInput is not null && columnsByName.TryGetProperty(vectorInput, out var vectors))
        {
            var byRow = vectors.ValueKind == JsonValueKind.Array ? vectors : throw GyreException.Invalid($"{field}.{vectorInput}: expected an array of rows, got {ValueReader.Kind(vectors)}");
            return Instances(byRow, $"{field}.{vectorInput}", inputs, null, maxRows);
        }
        var values = new JsonElement[inputs.Count];
        int? rows = null;
        for (var j = 0; j < inputs.Count; j++)
        {
            if (!columnsByName.TryGetProperty(inputs[j].Name, out var column))
            {
                throw GyreException.Invalid($"{field}: missing column {ValueReader.Describe(inputs[j])}");
            }
            if (column.ValueKind != JsonValueKind.Array || column.GetArrayLength() == 0)
            {
                throw GyreException.Invalid($"{field}.{inputs[j].Name}: expected a non-empty array with a value per row, got {ValueReader.Kind(column)}");
            }
            if (rows is { } known && known != column.GetArrayLength())
            {
                throw GyreException.Invalid($"{field}.{inputs[j].Name}: every column needs a value per row; it has {column.GetArrayLength()}, others {known}");
            }
            rows = CheckRows($"{field}.{inputs[j].Name}", column.GetArrayLength(), maxRows);
            values[j] = column;
        }
        var columns = Columns(inputs, rows!.Value);
        var rowInputs = new StringBuilder[rows.Value];
        var names = QuotedNames.Of(inputs);
        for (var j = 0; j < inputs.Count; j++)
        {
            var r = 0;
            foreach (var value in values[j].EnumerateArray())
            {
                Set(columns[j], inputs[j], r, value, new ValuePath(field, r, inputs[j].Name));
                var row = rowInputs[r] ??= new StringBuilder("{");
                row.Append(j > 0 ? "," : "").Append(names[j]).Append(':').Append(value.GetRawText());
                r++;
            }
        }
        return new ParsedRequest(new FeatureBatch(rows.Value, columns), [.. rowInputs.Select(row => row.Append('}').ToString())]);
    }

    /// <summary>
    /// Sets row <paramref name="r"/> of every column from one instance, walking its properties once:
    /// callers usually send the columns in the model's order, so each name is first compared with the
    /// column after the last one found, and only searched for when it is not that one.
    /// </summary>
    private static void ReadColumns(JsonElement instance, string field, IReadOnlyList<ModelInput> inputs, FeatureColumn[] columns, int r, Span<bool> found, string? vectorInput)
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
            Set(columns[j], inputs[j], r, property.Value, new ValuePath(field, r, inputs[j].Name));
            found[j] = true;
            next = j + 1;
        }
        if (found.IndexOf(false) is var missing and >= 0)
        {
            var alternative = vectorInput is null ? "" : $", or '{vectorInput}' with {inputs.Count} numbers";
            throw GyreException.Invalid($"{field}[{ValueReader.Index(r)}]: missing column {ValueReader.Describe(inputs[missing])}{alternative}");
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

    /// <summary>pandas' split orient: <c>{"columns": [names], "data": [[values], ...]}</c>; an <c>index</c> is ignored.</summary>
    public static ParsedRequest Frame(JsonElement frame, IReadOnlyList<ModelInput> inputs, int maxRows)
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
        var quotedHeader = header.Select(h => JsonSerializer.Serialize(h)).ToList();
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
            rowInputs[r] = RowObject(quotedHeader, row);
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

    /// <summary>A row of values as <c>{column: value}</c>, the column names already JSON strings.</summary>
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
            text.Append(header[i]).Append(':').Append(value.GetRawText());
            i++;
        }
        return text.Append('}').ToString();
    }
}
