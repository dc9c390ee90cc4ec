using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// deploy/Dockerfile read as the tests need it: its publish command, its runtime environment, its
/// entrypoint, command and health check. Lines continued with a backslash are joined first.
/// </summary>
internal sealed partial class Dockerfile
{
    private readonly IReadOnlyList<string> _instructions;

    public Dockerfile(string path)
    {
        var joined = File.ReadAllText(path).Replace("\\\n", " ", StringComparison.Ordinal);
        _instructions = [.. joined.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>The arguments of the <c>RUN dotnet publish ...</c> instruction, after <c>dotnet</c>.</summary>
    public IReadOnlyList<string> PublishArguments =>
        [.. Single("RUN", i => i.Contains("dotnet publish", StringComparison.Ordinal))["RUN dotnet ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The <c>ENV</c> of the final stage, as name and value.</summary>
    public IReadOnlyDictionary<string, string> Environment =>
        _instructions.SkipWhile(i => !i.StartsWith("FROM", StringComparison.Ordinal) || i.Contains(" AS ", StringComparison.Ordinal)).Skip(1)
            .Where(i => i.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(i => EnvPair().Matches(i["ENV ".Length..]).Select(m => (m.Groups[1].Value, m.Groups[2].Value)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

    public IReadOnlyList<string> Entrypoint => Exec("ENTRYPOINT");

    public IReadOnlyList<string> Command => Exec("CMD");

    /// <summary>The health check's command (<c>HEALTHCHECK ... CMD [...]</c>).</summary>
    public IReadOnlyList<string> HealthCheck => Json(Single("HEALTHCHECK", _ => true)[Single("HEALTHCHECK", _ => true).IndexOf("CMD [", StringComparison.Ordinal)..][4..]);

    public string User => Single("USER", _ => true)["USER ".Length..];

    public IReadOnlyList<string> Volumes => [.. _instructions.Where(i => i.StartsWith("VOLUME ", StringComparison.Ordinal)).Select(i => i["VOLUME ".Length..])];

    private IReadOnlyList<string> Exec(string instruction) =>
        Json(Single(instruction, i => i.StartsWith(instruction + " [", StringComparison.Ordinal))[(instruction.Length + 1)..]);

    private string Single(string instruction, Func<string, bool> which) =>
        Assert.Single(_instructions, i => i.StartsWith(instruction + " ", StringComparison.Ordinal) && which(i));

    private static string[] Json(string array) => JsonSerializer.Deserialize<string[]>(array)!;

    [GeneratedRegex("([A-Z_][A-Z0-9_]*)=(\\S+)")]
    private static partial Regex EnvPair();
}
