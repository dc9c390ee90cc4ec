using Gyre.Core.Models;

namespace Gyre.Learning.Onnx;

/// <summary>Reads an ONNX file's signature by loading it once in ONNX Runtime (which also proves that it loads).</summary>
public sealed class OnnxInspector : IModelInspector
{
    public string Flavor => ModelPackage.Onnx;

    public ModelSignature Inspect(string path)
    {
        using var model = OnnxModel.Load(File.ReadAllBytes(path));
        return model.Signature;
    }
}
