using Gyre.Core.Learning.Models;

namespace Gyre.Core.Serving.Runtime;

/// <summary>A column a model reads: its name, and whether it takes text (a categorical value) or a number.</summary>
public sealed record ModelInput(string Name, bool Text)
{
    /// <summary>
    /// The columns of a package in order. A per-column input of type BYTES takes text; a column of a
    /// <c>[batch, n]</c> tensor input, or any other type, takes a number.
    /// </summary>
    public static IReadOnlyList<ModelInput> Of(ModelPackage package)
    {
        if (package.FeatureInput is not null)
        {
            return [.. package.FeatureColumns.Select(c => new ModelInput(c, false))];
        }
        var types = package.Signature.Inputs.ToDictionary(i => i.Name, i => i.DataType, StringComparer.Ordinal);
        return [.. package.FeatureColumns.Select(c => new ModelInput(c, types.GetValueOrDefault(c) == TensorDataTypes.Bytes))];
    }
}
