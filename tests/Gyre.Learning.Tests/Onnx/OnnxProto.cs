using System.Text;

namespace Gyre.Tests.Onnx;

/// <summary>
/// Just enough of the protobuf wire format to write ONNX files by hand in tests: varints and
/// length-delimited fields, with ONNX's field numbers given by the caller. Shared by the learning
/// and the server tests (linked into both).
/// </summary>
internal sealed class OnnxProto
{
    private readonly MemoryStream _bytes = new();

    public OnnxProto Int64(int field, long value)
    {
        Varint((ulong)(field << 3));
        Varint((ulong)value);
        return this;
    }

    public OnnxProto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public OnnxProto Bytes(int field, byte[] value)
    {
        Varint((ulong)((field << 3) | 2));
        Varint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    public OnnxProto Message(int field, Action<OnnxProto> write)
    {
        var inner = new OnnxProto();
        write(inner);
        return Bytes(field, inner.ToArray());
    }

    public byte[] ToArray() => _bytes.ToArray();

    /// <summary>A model (IR 8, opset 17) whose graph <paramref name="graph"/> writes.</summary>
    public static byte[] Model(Action<OnnxProto> graph) =>
        new OnnxProto().Int64(1, 8).Message(8, opset => opset.Int64(2, 17)).Message(7, graph).ToArray();

    /// <summary>A node: its inputs, output and operator.</summary>
    public static void Node(OnnxProto node, string op, string[] inputs, string output)
    {
        foreach (var input in inputs)
        {
            node.String(1, input);
        }
        node.String(2, output).String(4, op);
    }

    /// <summary>A float tensor of rows x columns, its values little-endian in <c>raw_data</c>.</summary>
    public static void Floats(OnnxProto tensor, string name, int rows, int columns, Func<int, int, float> value)
    {
        var raw = new byte[rows * columns * 4];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                BitConverter.TryWriteBytes(raw.AsSpan(((r * columns) + c) * 4), value(r, c));
            }
        }
        tensor.Int64(1, rows).Int64(1, columns).Int64(2, 1).String(8, name).Bytes(9, raw); // dims, FLOAT, name, raw_data
    }

    /// <summary>A float tensor of rows x columns whose data ONNX Runtime would read from <paramref name="location"/> (external data).</summary>
    public static void ExternalFloats(OnnxProto tensor, string name, int rows, int columns, string location)
    {
        tensor.Int64(1, rows).Int64(1, columns).Int64(2, 1).String(8, name);
        tensor.Message(13, entry => entry.String(1, "location").String(2, location));
        tensor.Message(13, entry => entry.String(1, "offset").String(2, "0"));
        tensor.Message(13, entry => entry.String(1, "length").String(2, (rows * columns * 4).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        tensor.Int64(14, 1); // data_location: EXTERNAL
    }

    /// <summary>A float graph input or output of shape [batch, <paramref name="columns"/>].</summary>
    public static void Value(OnnxProto value, string name, int columns) =>
        value.String(1, name).Message(2, type => type.Message(1, tensor => tensor.Int64(1, 1).Message(2, shape => shape
            .Message(1, dim => dim.String(2, "batch"))
            .Message(1, dim => dim.Int64(1, columns)))));

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
