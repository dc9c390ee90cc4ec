using Google.Protobuf;
using Gyre.Core.Errors;
using Gyre.Learning.Onnx.Wire;

namespace Gyre.Learning.Onnx;

/// <summary>
/// Refuses ONNX models that keep tensor data in other files. ONNX Runtime reads such "external
/// data" from a path the model names, relative to the process's working folder when a model is
/// loaded from memory: a crafted model could read the home's database into a weight and hand it
/// back in its predictions. Gyre's packages are one self-contained file, so every tensor the model
/// holds (initializers, sparse initializers, attribute tensors, in subgraphs, functions and
/// training graphs) must carry its data inline.
/// </summary>
internal static class OnnxExternalData
{
    public static void Refuse(byte[] model)
    {
        ModelProto parsed;
        try
        {
            parsed = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw GyreException.Invalid($"model: not an ONNX model ONNX Runtime can load: {e.Message}");
        }
        if (ExternalTensors(parsed).FirstOrDefault() is { } tensor)
        {
            throw GyreException.Invalid($"model: tensor '{tensor.Name}' keeps its data in another file; Gyre loads self-contained ONNX models only "
                + "(save the model with its data inside, e.g. onnx.save_model(model, path, save_as_external_data=False))");
        }
    }

    private static IEnumerable<TensorProto> ExternalTensors(ModelProto model) =>
        InModel(model).Where(t => t.DataLocation == TensorProto.Types.DataLocation.External || t.ExternalData.Count > 0);

    private static IEnumerable<TensorProto> InModel(ModelProto model) =>
        Present(model.Graph).SelectMany(InGraph)
            .Concat(model.TrainingInfo.SelectMany(t => Present(t.Initialization, t.Algorithm)).SelectMany(InGraph))
            .Concat(model.Functions.SelectMany(f => f.Node.SelectMany(InNode).Concat(f.AttributeProto.SelectMany(InAttribute))));

    private static IEnumerable<TensorProto> InGraph(GraphProto graph) =>
        graph.Initializer.Concat(graph.SparseInitializer.SelectMany(InSparse)).Concat(graph.Node.SelectMany(InNode));

    private static IEnumerable<TensorProto> InNode(NodeProto node) => node.Attribute.SelectMany(InAttribute);

    /// <summary>An attribute's tensors, and those of the subgraphs it holds (the branches of an If, the body of a Loop).</summary>
    private static IEnumerable<TensorProto> InAttribute(AttributeProto attribute) =>
        Present(attribute.T).Concat(attribute.Tensors)
            .Concat(Present(attribute.SparseTensor).Concat(attribute.SparseTensors).SelectMany(InSparse))
            .Concat(Present(attribute.G).Concat(attribute.Graphs).SelectMany(InGraph));

    private static IEnumerable<TensorProto> InSparse(SparseTensorProto sparse) => Present(sparse.Values, sparse.Indices);

    private static IEnumerable<T> Present<T>(params T?[] items) where T : class => items.OfType<T>();
}
