namespace Gyre.Server.Tests.Api;

/// <summary>
/// Makes bad query strings out of a good one, at random (seeded): a parameter's value replaced by
/// an extreme, malformed or hostile one, a parameter dropped, repeated with another value, renamed,
/// or an unknown one added.
/// </summary>
internal static class QueryMutator
{
    private static readonly string[] Values =
    [
        "", "-1", "0", "1", "2147483648", "99999999999999999999999", "-9223372036854775808", "1e309", "NaN", "0x10", "1.5",
        "abc", "null", "true", "[]", "{}", "' OR 1=1 --", "\"", "../../etc/passwd", "✓ü", "\u0000", "a,b,", " ", new string('9', 5000),
        "modèle", "a\"b", new string('é', 128), new string('a', 256),
        "creation_time > 'NaN'", "last_update_time < 'Infinity'", "name > 'NaN'", "name = 'NaN'", "tags.team = 'NaN'", "metrics.loss > 'NaN'",
    ];

    /// <summary>Raw (not escaped) values: broken percent-encoding and the like.</summary>
    private static readonly string[] RawValues = ["%", "%zz", "%FF%FE", "%00", "a%2", "&", "=", "%C0%AF", "%C3%28", "%E9"];

    public static string Mutate(string pathAndQuery, Random random)
    {
        var at = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = at < 0 ? pathAndQuery : pathAndQuery[..at];
        var pairs = at < 0 ? [] : pathAndQuery[(at + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Select(p => (Key: p[0], Value: p.Length > 1 ? p[1] : "")).ToList();
        for (var changes = random.Next(1, 3); changes > 0; changes--)
        {
            var i = pairs.Count == 0 ? -1 : random.Next(pairs.Count);
            switch (i < 0 ? 4 : random.Next(5))
            {
                case 0:
                    pairs[i] = (pairs[i].Key, random.Next(4) == 0 ? RawValues[random.Next(RawValues.Length)] : Uri.EscapeDataString(Values[random.Next(Values.Length)]));
                    break;
                case 1:
                    pairs.RemoveAt(i);
                    break;
                case 2:
                    pairs.Add((pairs[i].Key, Uri.EscapeDataString(Values[random.Next(Values.Length)])));
                    break;
                case 3:
                    pairs[i] = (pairs[i].Key.ToUpperInvariant(), pairs[i].Value);
                    break;
                default:
                    pairs.Add(("unexpected", Uri.EscapeDataString(Values[random.Next(Values.Length)])));
                    break;
            }
        }
        return pairs.Count == 0 ? path : path + "?" + string.Join("&", pairs.Select(p => $"{p.Key}={p.Value}"));
    }
}
