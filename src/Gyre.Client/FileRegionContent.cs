using System.Net;
using Microsoft.Win32.SafeHandles;

namespace Gyre.Client;

/// <summary>
/// A region of a file as a request body, read from the file as it is sent (never held whole), so that
/// the parts of one file go out side by side through one handle; each chunk sent is reported to
/// <paramref name="sent"/>.
/// </summary>
internal sealed class FileRegionContent(SafeFileHandle file, long offset, long length, IProgress<long>? sent) : HttpContent
{
    private const int ChunkSize = 1 << 20;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(ChunkSize, Math.Max(length, 1))];
        for (long done = 0; done < length;)
        {
            var read = await RandomAccess.ReadAsync(file, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), offset + done, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"the file ended {length - done} bytes before its part did: it changed while it was sent");
            }
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            done += read;
            sent?.Report(read);
        }
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
