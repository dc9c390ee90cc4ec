namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// A seekable view of an object for HTTP downloads: nothing is fetched until a read, which opens
/// the object at the current position (a ranged GET to its end) and reads on from there; a seek
/// elsewhere closes that read. Every read asks for the version the head saw (If-Match), so ranges
/// of one download never mix two uploads. A download of the whole object, read front to back, is
/// checked against the object's recorded digest as <see cref="VerifyingStream"/> checks a model load.
/// </summary>
internal sealed class RangedObjectStream(ObjectBucket bucket, string key, ObjectHead head, string what) : Stream
{
    private Stream? _open;
    private long _openAt = -1;
    private long _position;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= head.Length || buffer.Length == 0)
        {
            return 0;
        }
        if (_open is null || _openAt != _position)
        {
            await CloseAsync();
            _open = await bucket.GuardAsync(() => OpenAtAsync(_position, cancellationToken));
            _openAt = _position;
        }
        var read = await bucket.GuardAsync(async () => await _open.ReadAsync(buffer, cancellationToken));
        _position += read;
        _openAt = _position;
        if (_position == head.Length && _open is VerifyingStream whole)
        {
            // A download stops at the length it was told: reading on to the end is what checks the digest.
            await bucket.GuardAsync(async () => await whole.ReadAsync(new byte[1 << 16], cancellationToken));
        }
        return read;
    }

    private async Task<Stream> OpenAtAsync(long offset, CancellationToken ct)
    {
        var content = await bucket.OpenAsync(key, offset, ct, ifMatch: head.Version)
            ?? throw Core.Errors.GyreException.NotFound($"{what} no longer exists, or was replaced while it was read; read it again");
        return offset == 0 && head.Digest is { } digest ? new VerifyingStream(content, digest, head.Length, what, bucket.IsCorruption) : content;
    }

    private async ValueTask CloseAsync()
    {
        if (_open is not null)
        {
            await _open.DisposeAsync();
            _open = null;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => head.Length + offset,
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        _position = target;
        return target;
    }

    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

    public override long Length => head.Length;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _open?.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await CloseAsync();
        await base.DisposeAsync();
    }
}
