using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Learning.Onnx;

/// <summary>
/// Loads the model of a package after checking it: the file's SHA-256 must be the manifest's, and
/// the graph's signature the one recorded, so that a changed or swapped file is refused rather than served.
/// </summary>
public static class OnnxPackageLoader
{
    public static OnnxModel Load(ModelPackage package, byte[] model)
    {
        ModelFlavors.Require(package, ModelFlavors.Onnx);
        ModelPackages.VerifyChecksum(package, model);
        var loaded = OnnxModel.Load(model);
        if (!Same(loaded.Signature, package.Signature))
        {
            loaded.Dispose();
            throw GyreException.Conflict($"package: the graph's signature differs from the manifest's");
        }
        return loaded;
    }

    private static bool Same(ModelSignature a, ModelSignature b) =>
        Same(a.Inputs, b.Inputs) && Same(a.Outputs, b.Outputs);

    private static bool Same(IReadOnlyList<TensorSpec> a, IReadOnlyList<TensorSpec> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.DataType == p.Second.DataType && p.First.Shape.SequenceEqual(p.Second.Shape));
}
