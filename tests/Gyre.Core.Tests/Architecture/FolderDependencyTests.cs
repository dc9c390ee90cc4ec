using System.Text.RegularExpressions;

namespace Gyre.Core.Tests.Architecture;

/// <summary>
/// The folders of Gyre.Core depend on each other without loops: read from the sources, each
/// folder's <c>using</c> directives and qualified names (<c>Gyre.Core.X.</c>, <c>Core.X.</c>) name the
/// folders it uses, and no folder may reach itself again through them.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string CoreRoot = Path.Combine(RepositoryRoot(), "src", "Gyre.Core");

    [Fact]
    public void CoreFolders_HaveNoDependencyLoops()
    {
        var graph = Dependencies();
        var loops = graph.Keys.Select(folder => LoopFrom(graph, folder)).OfType<string>().Distinct().ToList();
        Assert.True(loops.Count == 0, "dependency loops among Core's folders: " + string.Join("; ", loops));
    }

    [Theory]
    [InlineData("Serving", "Learning")]
    [InlineData("Monitoring", "Pipelines")]
    public void TheLoopsThatWereBroken_StayBroken(string from, string to)
    {
        var graph = Dependencies();
        // The flow goes one way: monitor -> policy -> pipeline; Learning and Serving meet only in Models.
        Assert.False(graph[to].Contains(from), $"{to} uses {from} ({string.Join(", ", Users(to, from))})");
        Assert.False(Reaches(graph, to, from), $"{to} reaches {from} through other folders");
    }

    [Fact]
    public void TheReaderSeesTheFoldersItShould()
    {
        // A check of the check: the scan finds what is certainly there.
        var graph = Dependencies();
        Assert.Contains("Models", graph["Serving"]);
        Assert.Contains("Pipelines", graph["Monitoring"]);
        Assert.Contains("Errors", graph["Data"]);
    }

    private static Dictionary<string, HashSet<string>> Dependencies()
    {
        var folders = Directory.GetDirectories(CoreRoot).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!).ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(CoreRoot, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (var used in UsedFolders(File.ReadAllText(file)).Where(u => u != folder && folders.Contains(u)))
                {
                    graph[folder].Add(used);
                }
            }
        }
        return graph;
    }

    private static IEnumerable<string> UsedFolders(string source) =>
        Reference().Matches(source).Select(m => m.Groups["folder"].Value);

    private static IEnumerable<string> Users(string folder, string used) =>
        Directory.EnumerateFiles(Path.Combine(CoreRoot, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => UsedFolders(File.ReadAllText(f)).Contains(used)).Select(f => Path.GetRelativePath(CoreRoot, f));

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string from, string to)
    {
        var seen = new HashSet<string>();
        var next = new Stack<string>([from]);
        while (next.TryPop(out var folder))
        {
            foreach (var used in graph[folder].Where(seen.Add))
            {
                if (used == to)
                {
                    return true;
                }
                next.Push(used);
            }
        }
        return false;
    }

    /// <summary>A loop through <paramref name="start"/> as "A -> B -> A", or null.</summary>
    private static string? LoopFrom(Dictionary<string, HashSet<string>> graph, string start)
    {
        var path = new List<string> { start };
        return Walk(start) ? string.Join(" -> ", path) : null;

        bool Walk(string folder)
        {
            foreach (var used in graph[folder].Order(StringComparer.Ordinal))
            {
                if (used == start)
                {
                    path.Add(used);
                    return true;
                }
                if (!path.Contains(used))
                {
                    path.Add(used);
                    if (Walk(used))
                    {
                        return true;
                    }
                    path.RemoveAt(path.Count - 1);
                }
            }
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Gyre.slnx")))
        {
            folder = folder.Parent;
        }
        return folder?.FullName ?? throw new InvalidOperationException("the repository's root (Gyre.slnx) is not above " + AppContext.BaseDirectory);
    }

    // `using Gyre.Core.X`, `Gyre.Core.X.Type` or, inside Gyre.Core, `Core.X.Type`.
    [GeneratedRegex(@"(?:\busing\s+(?:static\s+)?Gyre\.Core\.|\bGyre\.Core\.|(?<![\w.])Core\.)(?<folder>[A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
