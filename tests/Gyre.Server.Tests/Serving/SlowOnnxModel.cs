using Gyre.Core.Models;
using Gyre.Tests.Onnx;

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

    private static byte[] Build() => OnnxProto.Model(graph =>
    {
        graph.Message(1, node => OnnxProto.Node(node, "MatMul", ["features", "spread"], "h0"));
        for (var i = 1; i <= Products; i++)
        {
            graph.Message(1, node => OnnxProto.Node(node, "MatMul", [$"h{i - 1}", "identity"], $"h{i}")); // run at once, inside the loop
        }
        graph.Message(1, node =>
        {
            OnnxProto.Node(node, "ReduceMean", [$"h{Products}"], "mean");
            node.Message(5, attribute => attribute.String(1, "axes").Int64(8, 1).Int64(20, 7)); // ints [1]
            node.Message(5, attribute => attribute.String(1, "keepdims").Int64(3, 1).Int64(20, 2)); // int 1
        });
        graph.Message(1, node => OnnxProto.Node(node, "Sigmoid", ["mean"], "score"));
        graph.String(2, "slow");
        graph.Message(5, tensor => OnnxProto.Floats(tensor, "spread", 30, Width, (_, _) => 0.001f));
        graph.Message(5, tensor => OnnxProto.Floats(tensor, "identity", Width, Width, (r, c) => r == c ? 1f : 0f));
        graph.Message(11, input => OnnxProto.Value(input, "features", 30));
        graph.Message(12, output => OnnxProto.Value(output, "score", 1));
    });
}
