using Gyre.Core.Errors;

namespace Gyre.Core.Artifacts;

/// <summary>
/// A relative path inside an artifact root that is proven not to leave it: no absolute paths,
/// no '.' or '..' segments, no backslashes, no percent signs left after URL decoding (so
/// double-encoded traversal cannot slip through), no NUL or other control characters.
/// </summary>
public sealed record ArtifactPath
{
    public const int MaxLength = 1024;

    private ArtifactPath(IReadOnlyList<string> segments)
    {
        Segments = segments;
        Value = string.Join('/', segments);
    }

    public IReadOnlyList<string> Segments { get; }

    /// <summary>The path with '/' separators and no leading or trailing slash.</summary>
    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Parses a path; <paramref name="allowEmpty"/> admits the root itself (for listings).</summary>
    public static ArtifactPath Parse(string? path, string field = "path", bool allowEmpty = false)
    {
        var problem = Check(path, allowEmpty);
        if (problem is not null)
        {
            throw GyreException.Invalid($"{field}: {problem}");
        }
        var segments = string.IsNullOrEmpty(path) ? [] : path.TrimEnd('/').Split('/');
        return new ArtifactPath(segments);
    }

    private static string? Check(string? path, bool allowEmpty)
    {
        if (string.IsNullOrEmpty(path) || path == "/")
        {
            return allowEmpty ? null : "expected a relative artifact path, got an empty one";
        }
        if (path.Length > MaxLength)
        {
            return $"artifact path is {path.Length} characters, at most {MaxLength} allowed";
        }
        if (path.Any(char.IsControl))
        {
            return "artifact path must not contain NUL or control characters";
        }
        if (path.Contains('\\'))
        {
            return "artifact path must not contain backslashes";
        }
        if (path.Contains('%'))
        {
            return "artifact path must not contain '%' (percent-encoding is decoded once; double encoding is refused)";
        }
        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':'))
        {
            return "artifact path must be relative, not absolute";
        }
        var segments = path.TrimEnd('/').Split('/');
        foreach (var segment in segments)
        {
            if (segment is "" or "." or "..")
            {
                return $"artifact path must not contain empty, '.' or '..' segments (got '{path}')";
            }
            if (System.Text.Encoding.UTF8.GetByteCount(segment) > 255)
            {
                return "artifact path has a segment longer than 255 bytes";
            }
        }
        return null;
    }
}
