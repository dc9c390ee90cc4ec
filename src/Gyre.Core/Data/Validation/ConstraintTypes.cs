namespace Gyre.Core.Data.Validation;

/// <summary>The constraint types, and which need a column, a numeric column, bounds or values.</summary>
public static class ConstraintTypes
{
    public const string HasSize = "has_size";
    public const string IsComplete = "is_complete";
    public const string HasCompleteness = "has_completeness";
    public const string IsUnique = "is_unique";
    public const string IsContainedIn = "is_contained_in";
    public const string HasMin = "has_min";
    public const string HasMax = "has_max";
    public const string HasMean = "has_mean";
    public const string IsNonNegative = "is_non_negative";
    public const string HasPattern = "has_pattern";
    public const string Satisfies = "satisfies";

    public static readonly IReadOnlyList<string> All =
        [HasSize, IsComplete, HasCompleteness, IsUnique, IsContainedIn, HasMin, HasMax, HasMean, IsNonNegative, HasPattern, Satisfies];

    /// <summary>Types that name no single column.</summary>
    public static bool IsTableLevel(string type) => type is HasSize or Satisfies;

    /// <summary>Types whose observed value is a value of the data compared with [min, max]; the others observe a fraction or a size.</summary>
    public static bool IsRange(string type) => type is HasSize or HasMin or HasMax or HasMean;

    public static bool NeedsNumericColumn(string type) => type is HasMin or HasMax or HasMean or IsNonNegative;
}
