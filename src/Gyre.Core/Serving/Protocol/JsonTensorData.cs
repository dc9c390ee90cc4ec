using System.Text;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>A JSON tensor's <c>data</c>: an array, flat or nested, whose leaves are the values in row-major order.</summary>
public sealed class JsonTensorData(JsonElement data) : TensorData
{
    private List<JsonElement> _leaves = [];

    public override string Field => "data";

    internal override void CheckCount(long expected, string where)
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
        _leaves = leaves.Count == expected ? leaves : throw GyreException.Invalid($"{where}: the shape holds {expected} values, data has {leaves.Count}");
    }

    internal override double Number(int i, string datatype, ModelInput input, ValuePath where)
    {
        OipDatatypes.Check(datatype, _leaves[i], where);
        return ValueReader.Number(_leaves[i], input, where);
    }

    internal override string? Text(int i, ModelInput input, ValuePath where) => ValueReader.Text(_leaves[i], input, where);

    internal override void AppendJson(StringBuilder row, int i) => row.Append(_leaves[i].GetRawText());
}
