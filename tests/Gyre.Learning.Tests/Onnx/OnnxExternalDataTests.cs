using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Learning.Onnx;
using Gyre.Tests.Onnx;

namespace Gyre.Learning.Tests.Onnx;

/// <summary>
/// Models whose tensors keep their data in another file are refused wherever the tensor sits:
/// ONNX Runtime would read that file from the process's working folder.
/// </summary>
public sealed class OnnxExternalDataTests
{
    private const int Width = 64;

    /// <summary><c>sum = features + W</c>, with W written by <paramref name="weight"/>.</summary>
    private static byte[] AddModel(Action<OnnxProto> weight) => OnnxProto.Model(graph =>
    {
        graph.Message(1, node => OnnxProto.Node(node, "Add", ["features", "W"], "sum"));
        graph.String(2, "add");
        graph.Message(5, weight);
        graph.Message(11, input => OnnxProto.Value(input, "features", Width));
        graph.Message(12, output => OnnxProto.Value(output, "sum", Width));
    });

    [Fact]
    public void InlineWeights_Load_AndAdd()
    {
        using var model = OnnxModel.Load(AddModel(w => OnnxProto.Floats(w, "W", 1, Width, (_, c) => c)));
        var sum = Assert.Single(model.Run([new Tensor("features", [1, Width], new double[Width])]));
        Assert.Equal(Enumerable.Range(0, Width).Select(c => (double)c), sum.Values);
    }

    [Fact]
    public void ExternalInitializer_IsRefused_BeforeOnnxRuntimeReadsTheFile()
    {
        var secret = Path.Combine(Environment.CurrentDirectory, $"secret-{Guid.NewGuid():N}.bin");
        File.WriteAllBytes(secret, Enumerable.Range(0, Width * 4).Select(i => (byte)i).ToArray());
        try
        {
            var error = Assert.Throws<GyreException>(() => OnnxModel.Load(AddModel(w => OnnxProto.ExternalFloats(w, "W", 1, Width, Path.GetFileName(secret)))));
            Assert.Equal(ErrorCode.InvalidArgument, error.Code);
            Assert.StartsWith("model: tensor 'W' keeps its data in another file", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void ExternalTensor_InAConstantNodesAttribute_IsRefused()
    {
        var model = OnnxProto.Model(graph =>
        {
            graph.Message(1, node =>
            {
                OnnxProto.Node(node, "Constant", [], "W");
                node.Message(5, attribute => attribute.String(1, "value").Message(5, t => OnnxProto.ExternalFloats(t, "constant", 1, Width, "gyre.db")).Int64(20, 4));
            });
            graph.Message(1, node => OnnxProto.Node(node, "Add", ["features", "W"], "sum"));
            graph.Message(11, input => OnnxProto.Value(input, "features", Width));
            graph.Message(12, output => OnnxProto.Value(output, "sum", Width));
        });
        Assert.Contains("tensor 'constant' keeps its data in another file", Assert.Throws<GyreException>(() => OnnxModel.Load(model)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalInitializer_InASubgraph_IsRefused()
    {
        var model = OnnxProto.Model(graph =>
        {
            graph.Message(1, node =>
            {
                OnnxProto.Node(node, "If", ["cond"], "sum");
                node.Message(5, attribute => attribute.String(1, "then_branch").Int64(20, 5).Message(6, branch =>
                    branch.Message(5, t => OnnxProto.ExternalFloats(t, "hidden", 1, Width, "gyre.db"))));
            });
            graph.Message(11, input => OnnxProto.Value(input, "features", Width));
            graph.Message(12, output => OnnxProto.Value(output, "sum", Width));
        });
        Assert.Contains("tensor 'hidden' keeps its data in another file", Assert.Throws<GyreException>(() => OnnxModel.Load(model)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NotProtobuf_IsAnInvalidModel()
    {
        var error = Assert.Throws<GyreException>(() => OnnxModel.Load([0xff, 0xff, 0xff, 0xff]));
        Assert.StartsWith("model: not an ONNX model", error.Message, StringComparison.Ordinal);
    }
}
