using System.Security.Cryptography;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// The content of a direct upload's staged object, read once into its final place and checked on
/// the way: past the size limit it is payload_too_large, and at its end its SHA-256 must be the one
/// the client claimed, or the read fails before whoever reads it commits anything. Disposing it
/// removes the staged object.
/// </summary>
internal sealed class StagedContent(ObjectBucket bucket, string key, Stream source, string expectedDigest, long maxBytes) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _checked;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await bucket.GuardAsync(async () => await source.ReadAsync(buffer, cancellationToken));
        if (read == 0 && buffer.Length > 0)
        {
            if (_checked)
            {
                return 0; // read again at the end, as a part filler does
            }
            _checked = true;
            var digest = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (digest != expectedDigest)
            {
                throw GyreException.Invalid($"sha256: the uploaded parts hash to {digest}, not {expectedDigest}; the upload was discarded");
            }
            return 0;
        }
        _read += read;
        if (_read > maxBytes)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"parts: the uploaded file is larger than the limit of {maxBytes} bytes; the upload was discarded");
        }
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

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
        try
        {
            await bucket.DeleteAsync(key, CancellationToken.None);
        }
        catch (Exception e) when (bucket.Unavailable(e) is not null)
        {
            // gyre gc removes staged uploads left behind, after its grace period.
        }
        await base.DisposeAsync();
    }
}
