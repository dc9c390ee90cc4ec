using System.Text.Json;
using Gyre.Core.Errors;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// The Open Inference Protocol's tensor datatypes, and whether a value of a request's <c>data</c>
/// is one its tensor's <c>datatype</c> holds: BOOL tensors hold <c>true</c>/<c>false</c>, integer
/// tensors integers in their type's range, floating-point tensors finite numbers in theirs. A null
/// is a missing value (Gyre's extension, in every type). A tensor that says INT64 and holds 13.4 is
/// refused, not rounded.
/// </summary>
internal static class OipDatatypes
{
    public static readonly IReadOnlySet<string> Numeric = new HashSet<string>(StringComparer.Ordinal)
        { "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32", "FP64" };

    /// <summary>Refuses <paramref name="value"/> when <paramref name="datatype"/> (one of <see cref="Numeric"/>) cannot hold it.</summary>
    public static void Check(string datatype, JsonElement value, ValuePath where)
    {
        // Values of no kind a tensor holds (strings, arrays, objects) are refused by the column's own reader.
        if (value.ValueKind is not (JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) || Holds(datatype, value))
        {
            return;
        }
        throw GyreException.Invalid($"{where}: a {datatype} tensor cannot hold {ValueReader.Kind(value)}; expected {Expected(datatype)}");
    }

    private static bool Holds(string datatype, JsonElement value)
    {
        if (datatype == "BOOL")
        {
            return value.ValueKind is JsonValueKind.True or JsonValueKind.False;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        return datatype switch
        {
            "INT8" => value.TryGetInt64(out var i8) && i8 is >= sbyte.MinValue and <= sbyte.MaxValue,
            "INT16" => value.TryGetInt64(out var i16) && i16 is >= short.MinValue and <= short.MaxValue,
            "INT32" => value.TryGetInt64(out var i32) && i32 is >= int.MinValue and <= int.MaxValue,
            "INT64" => value.TryGetInt64(out _),
            "UINT8" => value.TryGetUInt64(out var u8) && u8 <= byte.MaxValue,
            "UINT16" => value.TryGetUInt64(out var u16) && u16 <= ushort.MaxValue,
            "UINT32" => value.TryGetUInt64(out var u32) && u32 <= uint.MaxValue,
            "UINT64" => value.TryGetUInt64(out _),
            "FP16" => value.TryGetDouble(out var h) && double.IsFinite(h) && Math.Abs(h) <= (double)Half.MaxValue,
            "FP32" => value.TryGetDouble(out var f) && double.IsFinite(f) && Math.Abs(f) <= float.MaxValue,
            _ => value.TryGetDouble(out var d) && double.IsFinite(d),
        };
    }

    private static string Expected(string datatype) => datatype switch
    {
        "BOOL" => "true or false",
        "INT8" or "INT16" or "INT32" or "INT64" or "UINT8" or "UINT16" or "UINT32" or "UINT64" => $"an integer that fits {datatype}",
        _ => $"a finite number that fits {datatype}",
    };
}
