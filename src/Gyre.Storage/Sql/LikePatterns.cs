using System.Text;

namespace Gyre.Storage.Sql;

/// <summary>Turns a SQL LIKE pattern (% and _) into an equivalent case-sensitive GLOB pattern.</summary>
internal static class LikePatterns
{
    public static string ToGlob(string like)
    {
        var glob = new StringBuilder(like.Length + 8);
        foreach (var c in like)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }
        return glob.ToString();
    }
}
