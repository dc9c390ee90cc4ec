namespace Gyre.Cli.Tests.Deploy;

/// <summary>The checkout the tests run from: its root (where Gyre.slnx is) and its deploy folder.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string Deploy(params string[] parts) => Path.Combine([Root, "deploy", .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gyre.slnx")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"no Gyre.slnx above {AppContext.BaseDirectory}");
    }
}
