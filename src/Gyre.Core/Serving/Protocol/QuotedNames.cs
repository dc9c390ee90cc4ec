using System.Runtime.CompilerServices;
using System.Text.Json;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// A model's column names as JSON strings, for the logged rows that readers build as
/// <c>{column: value}</c>: quoted once per loaded model (a predictor's inputs are one list for its
/// life), not once per row and column.
/// </summary>
internal static class QuotedNames
{
    private static readonly ConditionalWeakTable<IReadOnlyList<ModelInput>, string[]> Cache = [];

    public static string[] Of(IReadOnlyList<ModelInput> inputs) =>
        Cache.GetValue(inputs, list => [.. list.Select(i => JsonSerializer.Serialize(i.Name))]);
}
