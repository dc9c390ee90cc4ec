using Gyre.Core.Errors;
using Gyre.Core.Search;

namespace Gyre.Core.Tests.Search;

public sealed class PageTokenTests
{
    [Fact]
    public void Token_RoundTripsItsKeys_WithTheirTypes()
    {
        object?[] keys = [1L, null, 0.25, double.PositiveInfinity, -1e308, "Élan 日本 'quoted'", 0L];
        Assert.Equal(keys, PageToken.Decode(PageToken.Encode(keys, "q"), "q", keys.Length));
    }

    [Fact]
    public void Token_FromAnotherQuery_IsRejected()
    {
        var error = Assert.Throws<GyreException>(() => PageToken.Decode(PageToken.Encode([200L], "q1"), "q2", 1));
        Assert.Contains("different query", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NoToken_IsTheFirstPage() => Assert.Null(PageToken.Decode(null, "q", 2));

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("Zm9v")]
    [InlineData("kZm9v")]
    [InlineData("MjAwOjEyMzQ1Njc4OWFiYw")] // an offset token of an older Gyre
    public void Garbage_IsRejected(string token) =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<GyreException>(() => PageToken.Decode(token, "q", 1)).Code);

    [Fact]
    public void ATokenForAnotherNumberOfKeys_IsRejected() =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<GyreException>(() => PageToken.Decode(PageToken.Encode([1L, "a"], "q"), "q", 3)).Code);
}
