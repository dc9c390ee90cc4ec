using Gyre.Core.Artifacts;
using Gyre.Core.Errors;

namespace Gyre.Core.Tests.Artifacts;

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData("model.zip", "model.zip")]
    [InlineData("model/weights.onnx", "model/weights.onnx")]
    [InlineData("dir/sub/", "dir/sub")]
    [InlineData("a..b/c", "a..b/c")]
    public void RelativePaths_AreAccepted(string text, string expected) => Assert.Equal(expected, ArtifactPath.Parse(text).Value);

    [Theory]
    [InlineData("../secret")]
    [InlineData("a/../../b")]
    [InlineData("a/./b")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\..\\b")]
    [InlineData("C:/windows")]
    [InlineData("%2e%2e/x")]
    [InlineData("a%252e%252e")]
    [InlineData("a\0b")]
    [InlineData("a//b")]
    [InlineData("")]
    public void EscapingOrAmbiguousPaths_AreInvalid(string text)
    {
        var error = Assert.Throws<GyreException>(() => ArtifactPath.Parse(text));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.StartsWith("path: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPath_IsTheRoot_WhenAllowed() => Assert.Empty(ArtifactPath.Parse("", allowEmpty: true).Segments);
}
