namespace Gyre.Core.Models;

/// <summary>
/// Loads the model of a package for serving. Loading checks the file's checksum against the
/// manifest and the model's inputs against the signature: invalid_argument when the file is not a
/// model of its flavor or does not take the manifest's inputs, conflict when the checksum differs.
/// </summary>
public interface IModelRuntime
{
    IPredictor Load(ModelPackage package, byte[] model);
}
