using Gyre.Core.Errors;

namespace Gyre.Cli.Commands;

/// <summary>Parses repeated KEY=VALUE options.</summary>
internal static class KeyValues
{
    public static List<KeyValuePair<string, string>> Parse(string[]? items, string option)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var item in items ?? [])
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw GyreException.Invalid($"{option}: expected KEY=VALUE, got '{item}'");
            }
            result.Add(new(item[..eq], item[(eq + 1)..]));
        }
        return result;
    }
}
