namespace Gyre.Server.Hosting;

/// <summary>The home's scratch folder (<c>tmp/</c>), for files a request makes and deletes.</summary>
internal sealed class ServerScratch(string directory)
{
    public string Directory { get; } = directory;

    public string NewFile(string extension)
    {
        System.IO.Directory.CreateDirectory(Directory);
        return Path.Combine(Directory, Guid.NewGuid().ToString("N") + extension);
    }
}
