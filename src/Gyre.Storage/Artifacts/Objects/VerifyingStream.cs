using System.Security.Cryptography;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// Reads an object back and checks it against the SHA-256 and size recorded when it was written:
/// at the end of the content a mismatch is a data_loss error, so a model is never loaded from (and
/// a download never ends cleanly with) bytes that changed in the store.
/// </summary>
/// <remarks>The store's SDK may check the bytes as well (S3's checks them against the ETag): its finding is the same data_loss error.</remarks>
internal sealed class VerifyingStream(Stream source, string expectedDigest, long expectedLength, string what, Func<Exception, bool> isCorruption) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await source.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception e) when (isCorruption(e))
        {
            throw new GyreException(ErrorCode.DataLoss, $"{what}: the stored content is not what was written ({e.Message})", inner: e);
        }
        if (read == 0)
        {
            Check();
            return 0;
        }
        _read += read;
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    private void Check()
    {
        if (_checked)
        {
            return;
        }
        _checked = true;
        var digest = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_read != expectedLength || digest != expectedDigest)
        {
            throw new GyreException(ErrorCode.DataLoss,
                $"{what}: the stored content ({_read} bytes, SHA-256 {digest}) is not what was written ({expectedLength} bytes, SHA-256 {expectedDigest})");
        }
    }

    public override long Length => expectedLength;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            source.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await source.DisposeAsync();
        await base.DisposeAsync();
    }
}
