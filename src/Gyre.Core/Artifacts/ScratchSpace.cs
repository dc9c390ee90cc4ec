namespace Gyre.Core.Artifacts;

/// <summary>
/// The home's scratch folder (<c>tmp/</c>), for files that a request or a step makes and deletes:
/// on the same disk as the stores, so a finished file moves into place without a copy.
/// </summary>
public sealed class ScratchSpace(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>A new, unused path in the folder (created if needed); <paramref name="name"/> prefixes it, <paramref name="extension"/> ends it.</summary>
    public string NewFile(string extension, string? name = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, $"{(name is null ? "" : name + "-")}{Guid.NewGuid():N}{extension}");
    }
}
