namespace Gyre.Core.Models;

/// <summary>
/// The manifest of a model package (<c>gyre-model.json</c> beside the model file): the flavor
/// (<c>onnx</c>, or <c>mlnet</c> for ML.NET zips), the model file and its SHA-256 (checked on every
/// load), the signature (checked against the graph on every load), and what the prediction means.
/// Gyre loads only these two flavors; nothing in a package is ever executed as code. <c>Label</c>
/// names the column a trained model predicts, which evaluation reads from test data.
/// </summary>
public sealed record ModelPackage(
    int FormatVersion,
    string Flavor,
    string ModelFile,
    string Sha256,
    ModelSignature Signature,
    string? Task,
    string? FeatureInput,
    IReadOnlyList<string> FeatureColumns,
    string Output,
    string? OutputMeaning,
    IReadOnlyList<string>? Classes,
    long CreationTime,
    string? Label = null)
{
    public const int CurrentFormat = 1;

    public const string ManifestFile = "gyre-model.json";

    public const string Onnx = "onnx";

    public const string MlNet = "mlnet";
}
