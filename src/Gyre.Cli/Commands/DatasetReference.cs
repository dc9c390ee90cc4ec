using System.Globalization;
using Gyre.Core.Errors;

namespace Gyre.Cli.Commands;

/// <summary>How the CLI names a dataset version: NAME, NAME@latest or NAME@N.</summary>
internal static class DatasetReference
{
    /// <summary>NAME, NAME@latest (null version) or NAME@N.</summary>
    public static (string Name, long? Version) Parse(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0 || text[(at + 1)..] == "latest")
        {
            return (at < 0 ? text : text[..at], null);
        }
        return long.TryParse(text[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? (text[..at], n)
            : throw GyreException.Invalid($"dataset: expected NAME@VERSION with a positive number, got '{text}'");
    }
}
