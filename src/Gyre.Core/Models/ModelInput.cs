namespace Gyre.Core.Models;

/// <summary>A column a model reads: its name, whether it takes text (a categorical value) or a number, and its datatype as the signature names it.</summary>
public sealed record ModelInput(string Name, bool Text, string DataType)
{
    /// <summary>
    /// The columns of a package in order. A per-column input of type BYTES takes text; a column of a
    /// <c>[batch, n]</c> tensor input, or any other type, takes a number.
    /// </summary>
    public static IReadOnlyList<ModelInput> Of(ModelPackage package)
    {
        if (package.FeatureInput is { } tensor)
        {
            var type = package.Signature.Inputs.FirstOrDefault(i => i.Name == tensor)?.DataType ?? TensorDataTypes.Fp32;
            return [.. package.FeatureColumns.Select(c => new ModelInput(c, false, type))];
        }
        var types = package.Signature.Inputs.ToDictionary(i => i.Name, i => i.DataType, StringComparer.Ordinal);
        return [.. package.FeatureColumns.Select(c =>
        {
            var type = types.GetValueOrDefault(c, TensorDataTypes.Fp32);
            return new ModelInput(c, type == TensorDataTypes.Bytes, type);
        })];
    }
}
