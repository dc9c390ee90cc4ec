namespace Gyre.Core.Models;

/// <summary>Reads the signature of a model file; invalid_argument when it is not a model the engine can load.</summary>
public interface IModelInspector
{
    /// <summary>The flavor this inspector reads (<see cref="ModelPackage.Onnx"/>).</summary>
    string Flavor { get; }

    ModelSignature Inspect(string path);
}
