using System.Security.Cryptography;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Models;
using Microsoft.ML;

namespace Gyre.Learning.MlNet;

/// <summary>Loads the ML.NET model of a package after checking the file's SHA-256 against the manifest.</summary>
public static class MlNetPackageLoader
{
    public static (MLContext Context, ITransformer Model) Load(ModelPackage package, byte[] model)
    {
        if (package.Flavor != ModelPackage.MlNet)
        {
            throw GyreException.Invalid($"package: flavor '{package.Flavor}' is not mlnet");
        }
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(model));
        if (digest != package.Sha256)
        {
            throw GyreException.Conflict($"package: {package.ModelFile} has checksum {digest}, the manifest says {package.Sha256}; the file was changed");
        }
        var ml = new MLContext(seed: 0);
        using var stream = new MemoryStream(model);
        return (ml, ml.Model.Load(stream, out _));
    }
}
