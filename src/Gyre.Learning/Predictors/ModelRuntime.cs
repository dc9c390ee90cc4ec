using Gyre.Core.Models;

namespace Gyre.Learning.Predictors;

/// <summary>Loads a package's model with the engine of its flavor: ML.NET or ONNX Runtime, and nothing else.</summary>
public sealed class ModelRuntime : IModelRuntime
{
    public IPredictor Load(ModelPackage package, byte[] model) =>
        ModelFlavors.Of(package) == ModelFlavors.MlNet ? MlNetPredictor.Load(package, model) : OnnxPredictor.Load(package, model);
}
