using Gyre.Core.Errors;
using Gyre.Core.Learning.Models;
using Gyre.Core.Serving.Runtime;

namespace Gyre.Learning.Runtime;

/// <summary>Loads a package's model with the engine of its flavor: ML.NET or ONNX Runtime, and nothing else.</summary>
public sealed class ModelRuntime : IModelRuntime
{
    public IPredictor Load(ModelPackage package, byte[] model) => package.Flavor switch
    {
        ModelPackage.MlNet => MlNetPredictor.Load(package, model),
        ModelPackage.Onnx => OnnxPredictor.Load(package, model),
        _ => throw GyreException.Invalid($"package: flavor '{package.Flavor}' cannot be served; expected {ModelPackage.MlNet} or {ModelPackage.Onnx}"),
    };
}
