using System.Globalization;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// Turns one JSON value into what a model column takes, or an invalid_argument naming where it was
/// and what was expected. The policy, the same in both dialects: <c>null</c> is a missing value
/// (ML.NET models impute it as in training; ONNX models refuse it); a number column takes numbers
/// and <c>true</c>/<c>false</c> as 1/0, never strings, and only finite values that fit its type; a
/// text column takes strings, and numbers and booleans as their JSON text.
/// </summary>
internal static class ValueReader
{
    public static double Number(JsonElement value, ModelInput input, ValuePath where)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out var number) && Fits(number, input) ? number
                    : throw GyreException.Invalid($"{where}: expected {Expected(input)}, got {value.GetRawText()}");
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 0;
            case JsonValueKind.Null:
                return double.NaN;
            default:
                throw GyreException.Invalid($"{where}: expected a number ({input.DataType}), got {Kind(value)}");
        }
    }

    /// <summary>A number a binary tensor carried (the gRPC dialect's contents), held to the same rule as a JSON number.</summary>
    public static double Number(double number, ModelInput input, ValuePath where) => double.IsNaN(number) || Fits(number, input) ? number
        : throw GyreException.Invalid($"{where}: expected {Expected(input)}, got {number.ToString("R", CultureInfo.InvariantCulture)}");

    /// <summary>Whether the column takes <paramref name="number"/>: finite, within FP32's range for an FP32 column, an integer that fits for an integer one.</summary>
    private static bool Fits(double number, ModelInput input)
    {
        if (!double.IsFinite(number) || (input.DataType == TensorDataTypes.Fp32 && Math.Abs(number) > float.MaxValue))
        {
            return false;
        }
        var (min, max) = input.DataType == TensorDataTypes.Int32 ? (int.MinValue, (double)int.MaxValue) : (-9.007199254740992e15, 9.007199254740992e15);
        return input.DataType is not (TensorDataTypes.Int32 or TensorDataTypes.Int64) || (Math.Floor(number) == number && number >= min && number <= max);
    }

    private static string Expected(ModelInput input) => input.DataType is TensorDataTypes.Int32 or TensorDataTypes.Int64
        ? $"an integer that fits {input.DataType}" : $"a finite number that fits {input.DataType}";

    public static string? Text(JsonElement value, ModelInput input, ValuePath where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => throw GyreException.Invalid($"{where}: expected a value ({input.DataType}), got {Kind(value)}"),
    };

    public static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => value.GetRawText(),
        _ => value.GetRawText(),
    };

    public static string Describe(ModelInput input) => $"'{input.Name}' ({input.DataType})";

    public static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
