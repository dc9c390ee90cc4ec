using System.Security.Cryptography;
using Gyre.Core.Errors;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// Reads an upload on its way to an object store: counts it, refuses it past the size limit (413),
/// and computes its SHA-256, which the store records beside the object once the last byte is read.
/// </summary>
internal sealed class DigestingStream(Stream source, long maxBytes) : ForwardReadStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _digest;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The content's SHA-256 (lowercase hex); only once the source is read to its end.</summary>
    public string Digest => _digest ?? throw new InvalidOperationException("the upload is not read to its end");

    /// <summary>Fills <paramref name="buffer"/> as far as the content goes; returns how much it holds (less only at the end).</summary>
    public async Task<int> FillAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await ReadAsync(buffer[filled..], ct);
            if (read == 0)
            {
                break;
            }
            filled += read;
        }
        return filled;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        if (read == 0)
        {
            _digest ??= Convert.ToHexStringLower(_hash.GetHashAndReset());
            return 0;
        }
        BytesRead += read;
        if (BytesRead > maxBytes)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"body: the artifact is larger than the limit of {maxBytes} bytes");
        }
        _hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }
        base.Dispose(disposing);
    }
}
