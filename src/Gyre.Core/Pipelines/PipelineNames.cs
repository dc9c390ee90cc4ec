namespace Gyre.Core.Pipelines;

/// <summary>Pipeline names travel in URL paths; kept as plain as endpoint names.</summary>
public static class PipelineNames
{
    public const int MaxLength = 64;

    public static string? Check(string field, string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{field}: expected a pipeline name";
        }
        if (name.Length > MaxLength || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"{field}: expected 1 to {MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit; got '{name}'";
        }
        return null;
    }
}
