using Gyre.Core.Errors;
using Gyre.Core.Search;

namespace Gyre.Core.Tests.Search;

public sealed class PageTokenTests
{
    [Fact]
    public void Token_RoundTripsItsOffset() => Assert.Equal(200, PageToken.Decode(PageToken.Encode(200, "q"), "q"));

    [Fact]
    public void Token_FromAnotherQuery_IsRejected()
    {
        var error = Assert.Throws<GyreException>(() => PageToken.Decode(PageToken.Encode(200, "q1"), "q2"));
        Assert.Contains("different query", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("Zm9v")]
    public void Garbage_IsRejected(string token) =>
        Assert.Equal(ErrorCode.InvalidArgument, Assert.Throws<GyreException>(() => PageToken.Decode(token, "q")).Code);
}
