namespace Gyre.Cli;

/// <summary>Files the CLI downloads: written beside the target and moved into place, so a failed download leaves no half file.</summary>
internal static class Downloads
{
    /// <summary>Writes the target through <paramref name="write"/>; returns its size.</summary>
    public static async Task<long> WriteAsync(FileInfo target, Func<Stream, Task> write)
    {
        var partial = target.FullName + ".partial";
        try
        {
            await using (var file = File.Create(partial))
            {
                await write(file);
            }
            File.Move(partial, target.FullName, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
        return new FileInfo(target.FullName).Length;
    }
}
