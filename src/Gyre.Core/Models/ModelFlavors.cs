using Gyre.Core.Errors;

namespace Gyre.Core.Models;

/// <summary>
/// What Gyre knows of a model flavor: the ending of its file, the platform name the Open Inference
/// Protocol reports for it, and whether its file is worth compressing in a package (an ML.NET model
/// is a zip already).
/// </summary>
public sealed record ModelFlavor(string Name, string FileExtension, string Platform, bool Compressible);

/// <summary>
/// The two flavors Gyre loads, and the one check of a package's flavor that everything reading a
/// package goes through: a package of any other flavor is refused, never loaded or run.
/// </summary>
public static class ModelFlavors
{
    public static readonly ModelFlavor Onnx = new(ModelPackage.Onnx, ".onnx", "onnxruntime_onnx", Compressible: true);

    public static readonly ModelFlavor MlNet = new(ModelPackage.MlNet, ".zip", "mlnet", Compressible: false);

    public static IReadOnlyList<ModelFlavor> All { get; } = [Onnx, MlNet];

    /// <summary>The flavor named, or null when Gyre has no such flavor.</summary>
    public static ModelFlavor? Find(string? name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The problem with a flavor's name, naming the field, or null when Gyre loads it.</summary>
    public static string? Problem(string field, string? name) => Find(name) is null
        ? $"{field}: expected {string.Join(" or ", All.Select(f => f.Name))}, got '{name}'"
        : null;

    /// <summary>The package's flavor; invalid_argument when Gyre does not load it.</summary>
    public static ModelFlavor Of(ModelPackage package) =>
        Find(package.Flavor) ?? throw GyreException.Invalid(Problem("package.flavor", package.Flavor)!);

    /// <summary>Checks that a loader is given a package of its own flavor.</summary>
    public static void Require(ModelPackage package, ModelFlavor flavor)
    {
        if (Of(package) != flavor)
        {
            throw GyreException.Invalid($"package.flavor: expected {flavor.Name}, got '{package.Flavor}'");
        }
    }
}
