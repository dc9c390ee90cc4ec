using System.Text;
using System.Text.Json.Nodes;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// Makes bad requests out of a good one, at random (seeded, so a failure can be replayed): one to
/// three changes to its JSON tree — a node replaced by a value of another kind or an extreme one,
/// removed, repeated, renamed, wrapped — and now and then a change to its text that breaks the JSON
/// itself.
/// </summary>
internal static class JsonMutator
{
    private static readonly Func<Random, JsonNode?>[] Values =
    [
        _ => null,
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(1e308),
        _ => JsonValue.Create(-4.9e-324),
        _ => JsonValue.Create(2147483648L),
        _ => JsonValue.Create(long.MinValue),
        _ => JsonValue.Create(0.5),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("x"),
        _ => JsonValue.Create("NaN"),
        _ => JsonValue.Create("-Infinity"),
        _ => JsonValue.Create("\u0000\uFFFD\uD83D\uDE00"),
        r => JsonValue.Create(new string('a', r.Next(1, 100_000))),
        // Names: non-ASCII, quoted, and around the 255-byte limit of a file name.
        _ => JsonValue.Create("modèle"),
        _ => JsonValue.Create("résumé.txt"),
        _ => JsonValue.Create("a\"b;c=d"),
        r => JsonValue.Create(new string('é', r.Next(100, 129))),
        r => JsonValue.Create(new string('a', r.Next(254, 257))),
        // 'NaN' against fields of every type, where a filter is expected.
        _ => JsonValue.Create("metrics.loss > 'NaN'"),
        _ => JsonValue.Create("attributes.start_time > 'NaN'"),
        _ => JsonValue.Create("params.lr < 'NaN'"),
        _ => JsonValue.Create("tags.t = 'NaN'"),
        _ => JsonValue.Create("metrics.loss = 1e999"),
        // Replaced by bytes that are not UTF-8 when the body is encoded (see Encode).
        _ => JsonValue.Create($"x{NotUtf8}y"),
        _ => new JsonArray(),
        _ => new JsonObject(),
        r => Nested(r.Next(2, 200)),
    ];

    /// <summary>A character that <see cref="Encode"/> turns into a byte sequence that is not UTF-8.</summary>
    private const char NotUtf8 = '\uE000';

    /// <summary>
    /// The body as sent: UTF-8, except where a mutation asked for bytes that are not (inside a
    /// string, as <c>\uE000</c> in the JSON text), which become C3 28, an invalid sequence.
    /// </summary>
    public static byte[] Encode(string mutant)
    {
        var marker = Encoding.ASCII.GetBytes("\\uE000");
        var bytes = Encoding.UTF8.GetBytes(mutant.Replace(NotUtf8.ToString(), "\\uE000", StringComparison.Ordinal));
        var output = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes.AsSpan(i).StartsWith(marker))
            {
                output.AddRange([0xC3, 0x28]);
                i += marker.Length - 1;
            }
            else
            {
                output.Add(bytes[i]);
            }
        }
        return [.. output];
    }

    public static string Mutate(string valid, Random random)
    {
        var root = JsonNode.Parse(valid)!;
        for (var changes = random.Next(1, 4); changes > 0; changes--)
        {
            root = ChangeTree(root, random);
        }
        var text = root?.ToJsonString() ?? "null";
        return random.Next(10) == 0 ? ChangeText(text, random) : text;
    }

    private static JsonNode? ChangeTree(JsonNode? root, Random random)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return Values[random.Next(Values.Length)](random);
        }
        var node = nodes[random.Next(nodes.Count)];
        var parent = node.Parent;
        switch (random.Next(5))
        {
            case 0:
                return Replace(root, node, Values[random.Next(Values.Length)](random));
            case 1 when parent is JsonObject o:
                o.Remove(node.GetPropertyName());
                return root;
            case 1 when parent is JsonArray a:
                a.Remove(node);
                return root;
            case 2 when parent is JsonArray a:
                for (var i = random.Next(1, 20); i > 0; i--)
                {
                    a.Add(node.DeepClone());
                }
                return root;
            case 3 when parent is JsonObject o:
                var name = node.GetPropertyName();
                o.Remove(name);
                o[random.Next(2) == 0 ? name.ToUpperInvariant() : name + "_"] = node;
                return root;
            default:
                return Replace(root, node, random.Next(2) == 0 ? new JsonArray(node.DeepClone()) : new JsonObject { ["value"] = node.DeepClone() });
        }
    }

    private static JsonNode? Replace(JsonNode? root, JsonNode node, JsonNode? by)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o[node.GetPropertyName()] = by;
                return root;
            case JsonArray a:
                a[a.IndexOf(node)] = by;
                return root;
            default:
                return by; // the root itself
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }
        nodes.Add(node);
        foreach (var child in node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => [.. a], _ => [] })
        {
            Collect(child, nodes);
        }
    }

    /// <summary>The text cut short, a character dropped, or a stray one put in.</summary>
    private static string ChangeText(string text, Random random)
    {
        var at = random.Next(text.Length);
        return random.Next(3) switch
        {
            0 => text[..at],
            1 => text.Remove(at, 1),
            _ => text.Insert(at, "{}[],:\"\\\u0001é"[random.Next(10)].ToString()),
        };
    }

    private static JsonArray Nested(int depth)
    {
        var inner = new JsonArray();
        var outer = inner;
        for (var i = 1; i < depth; i++)
        {
            outer = new JsonArray(outer);
        }
        return outer;
    }

    public static string Describe(string mutant) => mutant.Length <= 400 ? mutant : mutant[..200] + $"…({Encoding.UTF8.GetByteCount(mutant)} bytes)…" + mutant[^200..];
}
