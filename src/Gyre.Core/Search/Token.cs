namespace Gyre.Core.Search;

/// <summary>A lexical token; <paramref name="Position"/> is the 1-based character where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Position)
{
    public bool IsKeyword(string keyword) => Kind == TokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.String => $"string '{Text}'",
        _ => $"'{Text}'",
    };
}
