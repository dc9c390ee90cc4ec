using System.Text;

namespace Gyre.Core.Search;

/// <summary>
/// Splits a filter into tokens. Words may hold letters, digits, '_', '.', '-' and '/', so that
/// <c>metrics.val-loss</c> is one word; other keys are quoted with backticks or double quotes.
/// String values take single or double quotes; a quote is doubled or backslash-escaped inside.
/// </summary>
internal static class FilterLexer
{
    public static List<Token> Tokenize(string text, string field)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var position = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '(' or ')' or ',')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.LeftParen : c == ')' ? TokenKind.RightParen : TokenKind.Comma, c.ToString(), position));
                i++;
            }
            else if (c is '\'' or '"' or '`')
            {
                var (value, next) = ReadQuoted(text, i, field);
                tokens.Add(new Token(c == '`' ? TokenKind.QuotedIdentifier : TokenKind.String, value, position));
                i = next;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var op = ReadOperator(text, i, field);
                tokens.Add(new Token(TokenKind.Operator, op, position));
                i += op.Length;
            }
            else if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[i + 1] == '.')))
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '+' or '-') && !(text[i] is '+' or '-' && text[i - 1] is not ('e' or 'E')))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Number, text[start..i], position));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.' or '-' or '/'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Word, text[start..i], position));
            }
            else
            {
                throw FilterSyntax.Error(field, position, $"unexpected character '{c}'");
            }
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        return tokens;
    }

    private static string ReadOperator(string text, int i, string field)
    {
        var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
        if (two is "!=" or "<=" or ">=" or "<>" or "==")
        {
            return two;
        }
        if (text[i] == '!')
        {
            throw FilterSyntax.Error(field, i + 1, "expected '!=' but found a lone '!'");
        }
        return text[i].ToString();
    }

    private static (string Value, int Next) ReadQuoted(string text, int start, string field)
    {
        var quote = text[start];
        var value = new StringBuilder();
        var i = start + 1;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                value.Append(text[i + 1]);
                i += 2;
            }
            else if (c == quote && i + 1 < text.Length && text[i + 1] == quote)
            {
                value.Append(quote);
                i += 2;
            }
            else if (c == quote)
            {
                return (value.ToString(), i + 1);
            }
            else
            {
                value.Append(c);
                i++;
            }
        }
        throw FilterSyntax.Error(field, start + 1, $"unterminated quoted text starting with {quote}");
    }
}
