namespace Gyre.Core.Data.Splits;

/// <summary>The part files of a split, in a scratch folder that disposing removes.</summary>
public sealed class SplitFiles(string folder, IReadOnlyList<(string Part, string Path)> parts) : IDisposable
{
    public IReadOnlyList<(string Part, string Path)> Parts { get; } = parts;

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
