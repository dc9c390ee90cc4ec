using System.Text;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Storage.Artifacts;

namespace Gyre.Storage.Tests.Artifacts;

public sealed class FileSystemArtifactStoreTests : IDisposable
{
    private readonly TempHome _home = new();
    private readonly FileSystemArtifactStore _store;

    public FileSystemArtifactStoreTests() => _store = new FileSystemArtifactStore(_home.Home.ArtifactsPath);

    public void Dispose() => _home.Dispose();

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task WriteListRead_RoundTrip()
    {
        await _store.WriteAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), Bytes("weights"), 100, CancellationToken.None);
        await _store.WriteAsync("1/run/artifacts", ArtifactPath.Parse("report.json"), Bytes("{}"), 100, CancellationToken.None);
        var root = await _store.ListAsync("1/run/artifacts", ArtifactPath.Parse("", allowEmpty: true), CancellationToken.None);
        Assert.Equal([new ArtifactInfo("model", true, null), new ArtifactInfo("report.json", false, 2)], root);
        var sub = await _store.ListAsync("1/run/artifacts", ArtifactPath.Parse("model"), CancellationToken.None);
        Assert.Equal([new ArtifactInfo("model/m.bin", false, 7)], sub);
        await using var read = await _store.OpenReadAsync("1/run/artifacts", ArtifactPath.Parse("model/m.bin"), CancellationToken.None);
        Assert.Equal("weights", await new StreamReader(read).ReadToEndAsync());
    }

    [Fact]
    public async Task OversizedUpload_LeavesNoFile_AndKeepsTheOldOne()
    {
        var path = ArtifactPath.Parse("data.bin");
        await _store.WriteAsync("r", path, Bytes("old"), 10, CancellationToken.None);
        var error = await Assert.ThrowsAsync<GyreException>(() => _store.WriteAsync("r", path, Bytes(new string('x', 100)), 10, CancellationToken.None));
        Assert.Equal(ErrorCode.PayloadTooLarge, error.Code);
        Assert.Equal(["data.bin"], Directory.GetFiles(Path.Combine(_home.Home.ArtifactsPath, "r")).Select(Path.GetFileName));
        await using var read = await _store.OpenReadAsync("r", path, CancellationToken.None);
        Assert.Equal("old", await new StreamReader(read).ReadToEndAsync());
    }

    [Fact]
    public async Task MissingFile_IsNotFound() =>
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => _store.OpenReadAsync("r", ArtifactPath.Parse("nope"), CancellationToken.None))).Code);

    [Fact]
    public async Task RootThatEscapes_IsRejected() =>
        Assert.Equal(ErrorCode.InvalidArgument, (await Assert.ThrowsAsync<GyreException>(() =>
            _store.WriteAsync("../outside", ArtifactPath.Parse("x"), Bytes("x"), 10, CancellationToken.None))).Code);
}
