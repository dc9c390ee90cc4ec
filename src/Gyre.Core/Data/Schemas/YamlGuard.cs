using Gyre.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Gyre.Core.Data.Schemas;

/// <summary>
/// Walks a YAML text's events before it is loaded into a tree: the loader recurses per level of
/// nesting (a body of 300,000 '[' would overflow the stack, which no handler can catch), and
/// aliases can expand exponentially. Gyre's files need neither deep nesting nor aliases.
/// </summary>
public static class YamlGuard
{
    public const int MaxDepth = 32;

    public static void Check(string text, string field)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        throw GyreException.Invalid($"{field}: line {parser.Current.Start.Line}: nested more than {MaxDepth} levels deep");
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case AnchorAlias alias:
                    throw GyreException.Invalid($"{field}: line {alias.Start.Line}: aliases (*{alias.Value}) are not allowed; write the value out");
            }
        }
    }
}
