namespace Gyre.Core.Search;

internal enum TokenKind
{
    Word,
    String,
    QuotedIdentifier,
    Number,
    Operator,
    LeftParen,
    RightParen,
    Comma,
    End,
}
