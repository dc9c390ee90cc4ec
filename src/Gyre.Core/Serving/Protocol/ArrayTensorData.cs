using System.Globalization;
using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// A binary tensor's values, decoded by its transport: numbers (every numeric datatype widens to a
/// double exactly, 64-bit integers beyond 2^53 aside, which no model column takes) or strings. The
/// transport decoded them by the tensor's datatype, so they hold it by construction. A number is
/// logged as its datatype prints it: an FP32 0.1 as <c>0.1</c>, a BOOL as <c>true</c>.
/// </summary>
public sealed class ArrayTensorData : TensorData
{
    private readonly double[]? _numbers;
    private readonly string?[]? _texts;
    private readonly string _datatype;

    private ArrayTensorData(string field, string datatype, double[]? numbers, string?[]? texts)
    {
        Field = field;
        _datatype = datatype;
        _numbers = numbers;
        _texts = texts;
    }

    public override string Field { get; }

    public static ArrayTensorData Numbers(string field, string datatype, double[] numbers) => new(field, datatype, numbers, null);

    public static ArrayTensorData Texts(string field, string?[] texts) => new(field, TensorDataTypes.Bytes, null, texts);

    private int Count => _numbers?.Length ?? _texts!.Length;

    internal override void CheckCount(long expected, string where)
    {
        if (Count != expected)
        {
            throw GyreException.Invalid($"{where}: the shape holds {expected} values, {Field} has {Count}");
        }
    }

    internal override double Number(int i, string datatype, ModelInput input, ValuePath where) => _numbers is { } numbers
        ? ValueReader.Number(numbers[i], input, where)
        : throw GyreException.Invalid($"{where}: expected a number ({input.DataType}), got a string");

    internal override string? Text(int i, ModelInput input, ValuePath where) =>
        _texts is { } texts ? texts[i] : Format(_numbers![i]);

    internal override void AppendJson(StringBuilder row, int i)
    {
        if (_texts is { } texts)
        {
            row.Append(texts[i] is { } text ? JsonSerializer.Serialize(text) : "null");
            return;
        }
        var number = _numbers![i];
        row.Append(double.IsFinite(number) ? Format(number) : "null");
    }

    private string Format(double number) => _datatype switch
    {
        "BOOL" => number != 0 ? "true" : "false",
        "FP32" => ((float)number).ToString("R", CultureInfo.InvariantCulture),
        "FP16" => ((Half)number).ToString(CultureInfo.InvariantCulture),
        _ => number.ToString("R", CultureInfo.InvariantCulture),
    };
}
