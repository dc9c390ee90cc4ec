using System.Globalization;

namespace Gyre.Core.Search;

/// <summary>
/// Parses the search language: comparisons such as <c>metrics.rmse &lt; 1</c>,
/// <c>params.model = 'LR'</c>, <c>tags."user-name" LIKE 'a%'</c>, <c>attributes.status IN ('FAILED', 'KILLED')</c>,
/// <c>tags.x IS NULL</c>, joined by AND, OR, NOT and parentheses (AND binds tighter than OR).
/// Every error names the 1-based position where it was found.
/// </summary>
public sealed class FilterParser
{
    /// <summary>Bounds that keep a hostile filter from exhausting the stack or SQLite's expression limits.</summary>
    public const int MaxLength = 10_000;
    public const int MaxComparisons = 200;
    public const int MaxDepth = 32;

    private readonly FilterSchema _schema;
    private readonly string _field;
    private readonly List<Token> _tokens;
    private int _next;
    private int _depth;
    private int _comparisons;

    private FilterParser(string text, FilterSchema schema, string field)
    {
        _schema = schema;
        _field = field;
        _tokens = FilterLexer.Tokenize(text, field);
    }

    /// <summary>Parses a filter; null or blank means "everything" and gives null.</summary>
    public static FilterExpression? Parse(string? text, FilterSchema schema, string field = "filter")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        if (text.Length > MaxLength)
        {
            throw Errors.GyreException.Invalid($"{field}: the filter is {text.Length} characters, at most {MaxLength} allowed");
        }
        var parser = new FilterParser(text, schema, field);
        var expression = parser.ParseOr();
        parser.Expect(TokenKind.End, "AND, OR or the end of the filter");
        return expression;
    }

    /// <summary>Parses order terms such as <c>metrics.rmse DESC</c>; the default direction is ascending.</summary>
    public static IReadOnlyList<OrderTerm> ParseOrderBy(IReadOnlyList<string>? terms, FilterSchema schema, string field = "order_by")
    {
        var result = new List<OrderTerm>();
        for (var i = 0; i < (terms?.Count ?? 0); i++)
        {
            if (string.IsNullOrWhiteSpace(terms![i]) || terms[i].Length > MaxLength)
            {
                throw Errors.GyreException.Invalid($"{field}[{i}]: expected a term such as 'metrics.rmse DESC'");
            }
            var parser = new FilterParser(terms[i], schema, $"{field}[{i}]");
            var fieldRef = parser.ParseField();
            var descending = false;
            if (parser.Peek.IsKeyword("DESC") || parser.Peek.IsKeyword("ASC"))
            {
                descending = parser.Take().IsKeyword("DESC");
            }
            parser.Expect(TokenKind.End, "ASC, DESC or the end of the term");
            result.Add(new OrderTerm(fieldRef, descending));
        }
        return result;
    }

    private Token Peek => _tokens[_next];

    private Token Take()
    {
        var token = _tokens[_next];
        if (token.Kind != TokenKind.End)
        {
            _next++;
        }
        return token;
    }

    private Token Expect(TokenKind kind, string what)
    {
        if (Peek.Kind != kind)
        {
            throw FilterSyntax.Error(_field, Peek.Position, $"expected {what}, found {Peek.Describe()}");
        }
        return Take();
    }

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (Peek.IsKeyword("OR"))
        {
            Take();
            left = new OrExpression(left, ParseAnd());
        }
        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseUnary();
        while (Peek.IsKeyword("AND"))
        {
            Take();
            left = new AndExpression(left, ParseUnary());
        }
        return left;
    }

    private FilterExpression ParseUnary()
    {
        if (!Peek.IsKeyword("NOT") && Peek.Kind != TokenKind.LeftParen)
        {
            if (++_comparisons > MaxComparisons)
            {
                throw FilterSyntax.Error(_field, Peek.Position, $"too many comparisons: at most {MaxComparisons} allowed");
            }
            return ParseComparison();
        }
        if (++_depth > MaxDepth)
        {
            throw FilterSyntax.Error(_field, Peek.Position, $"NOT and parentheses nest deeper than {MaxDepth} levels");
        }
        FilterExpression result;
        if (Take().IsKeyword("NOT"))
        {
            result = new NotExpression(ParseUnary());
        }
        else
        {
            result = ParseOr();
            Expect(TokenKind.RightParen, "')' or AND / OR");
        }
        _depth--;
        return result;
    }

    private FilterExpression ParseComparison()
    {
        var fieldToken = Peek;
        var field = ParseField();
        var opToken = Peek;
        if (opToken.IsKeyword("IS"))
        {
            Take();
            var negated = Peek.IsKeyword("NOT");
            if (negated)
            {
                Take();
            }
            if (!Peek.IsKeyword("NULL"))
            {
                throw FilterSyntax.Error(_field, Peek.Position, $"expected NULL after IS, found {Peek.Describe()}");
            }
            Take();
            return new ComparisonExpression(field, negated ? Comparator.IsNotNull : Comparator.IsNull, null);
        }
        var comparator = ParseComparator(field, fieldToken);
        if (comparator is Comparator.In or Comparator.NotIn)
        {
            return new ComparisonExpression(field, comparator, ParseList(field));
        }
        return new ComparisonExpression(field, comparator, ParseValue(field, comparator));
    }

    private FieldRef ParseField()
    {
        var token = Peek;
        if (token.Kind != TokenKind.Word)
        {
            throw FilterSyntax.Error(_field, token.Position, $"expected a field such as {_schema.PrefixList}KEY or an attribute, found {token.Describe()}");
        }
        Take();
        var dot = token.Text.IndexOf('.');
        if (dot < 0)
        {
            return Attribute(token.Text, token.Position);
        }
        var prefix = token.Text[..dot];
        var key = token.Text[(dot + 1)..];
        if (!_schema.TryPrefix(prefix, out var kind))
        {
            throw FilterSyntax.Error(_field, token.Position, $"unknown field prefix '{prefix}': expected one of {_schema.PrefixList}attributes.");
        }
        if (key.Length == 0)
        {
            var quoted = Peek;
            if (quoted.Kind is not (TokenKind.String or TokenKind.QuotedIdentifier) || quoted.Text.Length == 0)
            {
                throw FilterSyntax.Error(_field, quoted.Position, $"expected a key after '{prefix}.', found {quoted.Describe()}");
            }
            key = Take().Text;
        }
        return kind == FieldKind.Attribute
            ? Attribute(key, token.Position)
            : new FieldRef(kind, key, FilterSchema.TypeOf(kind));
    }

    private FieldRef Attribute(string name, int position)
    {
        if (!_schema.TryAttribute(name, out var type))
        {
            throw FilterSyntax.Error(_field, position, $"unknown attribute '{name}': expected one of {_schema.AttributeList}, or a prefix {_schema.PrefixList}");
        }
        return new FieldRef(FieldKind.Attribute, name.ToLowerInvariant(), type);
    }

    private Comparator ParseComparator(FieldRef field, Token fieldToken)
    {
        var token = Take();
        var negated = false;
        if (token.IsKeyword("NOT"))
        {
            negated = true;
            token = Take();
        }
        Comparator? comparator = token.Kind == TokenKind.Operator
            ? token.Text switch
            {
                "=" or "==" => Comparator.Equal,
                "!=" or "<>" => Comparator.NotEqual,
                "<" => Comparator.Less,
                "<=" => Comparator.LessOrEqual,
                ">" => Comparator.Greater,
                ">=" => Comparator.GreaterOrEqual,
                _ => null,
            }
            : token.IsKeyword("LIKE") ? Comparator.Like
            : token.IsKeyword("ILIKE") ? Comparator.ILike
            : token.IsKeyword("IN") ? Comparator.In
            : null;
        if (comparator is null || (negated && comparator != Comparator.In))
        {
            throw FilterSyntax.Error(_field, token.Position,
                $"expected a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS NULL) after '{fieldToken.Text}', found {token.Describe()}");
        }
        var isNumericOnly = comparator is Comparator.Less or Comparator.LessOrEqual or Comparator.Greater or Comparator.GreaterOrEqual;
        var isStringOnly = comparator is Comparator.Like or Comparator.ILike or Comparator.In;
        if (isNumericOnly && field.Type == FilterValueType.String)
        {
            throw FilterSyntax.Error(_field, token.Position, $"'{token.Text}' compares numbers, but {field} is a string: use =, !=, LIKE, ILIKE or IN");
        }
        if (isStringOnly && field.Type == FilterValueType.Number)
        {
            throw FilterSyntax.Error(_field, token.Position, $"'{token.Text}' compares strings, but {field} is a number: use =, !=, <, <=, > or >=");
        }
        return negated ? Comparator.NotIn : comparator.Value;
    }

    private object ParseValue(FieldRef field, Comparator comparator)
    {
        var token = Take();
        if (field.Type == FilterValueType.Number)
        {
            var text = token.Kind is TokenKind.Number or TokenKind.String ? token.Text : null;
            if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                throw FilterSyntax.Error(_field, token.Position, $"expected a number to compare with {field}, found {token.Describe()}");
            }
            if (!double.IsFinite(number))
            {
                throw FilterSyntax.Error(_field, token.Position, $"expected a finite number to compare with {field}, found {token.Describe()}");
            }
            return number;
        }
        if (token.Kind != TokenKind.String)
        {
            throw FilterSyntax.Error(_field, token.Position,
                $"expected a quoted string to compare with {field}{(comparator is Comparator.Like or Comparator.ILike ? " (a LIKE pattern)" : "")}, found {token.Describe()}");
        }
        return token.Text;
    }

    private List<string> ParseList(FieldRef field)
    {
        Expect(TokenKind.LeftParen, $"'(' to open the list of values for {field}");
        var values = new List<string>();
        while (true)
        {
            var token = Take();
            if (token.Kind != TokenKind.String)
            {
                throw FilterSyntax.Error(_field, token.Position, $"expected a quoted string in the IN list, found {token.Describe()}");
            }
            values.Add(token.Text);
            if (Peek.Kind != TokenKind.Comma)
            {
                break;
            }
            Take();
        }
        Expect(TokenKind.RightParen, "',' or ')' in the IN list");
        return values;
    }
}
