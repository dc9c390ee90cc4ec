using System.Text;
using Gyre.Core.Learning.Models;

namespace Gyre.Server.Tests.Serving;

/// <summary>
/// A real ONNX model that is slow on purpose, written here as the ONNX protobuf: the breast-cancer
/// fixture's signature (<c>features</c> float <c>[batch, 30]</c> to <c>score</c> float
/// <c>[batch, 1]</c>), computed through a chain of dense 1024 x 1024 products (by an identity matrix,
/// so the values stay finite), about a tenth of a second a row in ONNX Runtime. ONNX Runtime
/// cannot sleep; this model makes the shadow tests' candidate slow by real work instead.
/// </summary>
internal static class SlowOnnxModel
{
    private const int Width = 1024;
    private const int Products = 1500;

    public static async Task<string> ImportAsync(TestServer server)
    {
        var name = Unique.Name("slow");
        await using var stream = new MemoryStream(Build());
        await server.Client.Models.ImportOnnxAsync(name, stream,
            new ImportOptions("binary", FeatureColumns: ServingModels.BreastCancerFeatures(), OutputMeaning: "score", Classes: ["malignant", "benign"]));
        return name;
    }

    private static byte[] Build()
    {
        var model = new Proto();
        model.Int64(1, 8); // ir_version
        model.Message(8, opset => opset.Int64(2, 17)); // opset_import: the default domain, version 17
        model.Message(7, graph =>
        {
            graph.Message(1, node => Node(node, "MatMul", ["features", "spread"], "h0"));
            for (var i = 1; i <= Products; i++)
            {
                graph.Message(1, node => Node(node, "MatMul", [$"h{i - 1}", "identity"], $"h{i}")); // run at once, inside the loop
            }
            graph.Message(1, node =>
            {
                Node(node, "ReduceMean", [$"h{Products}"], "mean");
                node.Message(5, attribute => attribute.String(1, "axes").Int64(8, 1).Int64(20, 7)); // ints [1]
                node.Message(5, attribute => attribute.String(1, "keepdims").Int64(3, 1).Int64(20, 2)); // int 1
            });
            graph.Message(1, node => Node(node, "Sigmoid", ["mean"], "score"));
            graph.String(2, "slow");
            graph.Message(5, tensor => Floats(tensor, "spread", 30, Width, (_, _) => 0.001f));
            graph.Message(5, tensor => Floats(tensor, "identity", Width, Width, (r, c) => r == c ? 1f : 0f));
            graph.Message(11, input => Value(input, "features", 30));
            graph.Message(12, output => Value(output, "score", 1));
        });
        return model.ToArray();
    }

    private static void Node(Proto node, string op, string[] inputs, string output)
    {
        foreach (var input in inputs)
        {
            node.String(1, input);
        }
        node.String(2, output).String(4, op);
    }

    /// <summary>A float tensor of rows x columns, its values little-endian in <c>raw_data</c>.</summary>
    private static void Floats(Proto tensor, string name, int rows, int columns, Func<int, int, float> value)
    {
        var raw = new byte[rows * columns * 4];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                BitConverter.TryWriteBytes(raw.AsSpan((r * columns + c) * 4), value(r, c));
            }
        }
        tensor.Int64(1, rows).Int64(1, columns).Int64(2, 1).String(8, name).Bytes(9, raw); // dims, FLOAT, name, raw_data
    }

    /// <summary>A float input or output of shape [batch, <paramref name="columns"/>].</summary>
    private static void Value(Proto value, string name, int columns) =>
        value.String(1, name).Message(2, type => type.Message(1, tensor => tensor.Int64(1, 1).Message(2, shape => shape
            .Message(1, dim => dim.String(2, "batch"))
            .Message(1, dim => dim.Int64(1, columns)))));

    /// <summary>Just enough of the protobuf wire format for an ONNX file: varints and length-delimited fields.</summary>
    private sealed class Proto
    {
        private readonly MemoryStream _bytes = new();

        public Proto Int64(int field, long value)
        {
            Varint((ulong)(field << 3));
            Varint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Bytes(int field, byte[] value)
        {
            Varint((ulong)((field << 3) | 2));
            Varint((ulong)value.Length);
            _bytes.Write(value);
            return this;
        }

        public Proto Message(int field, Action<Proto> write)
        {
            var inner = new Proto();
            write(inner);
            return Bytes(field, inner.ToArray());
        }

        public byte[] ToArray() => _bytes.ToArray();

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
}
