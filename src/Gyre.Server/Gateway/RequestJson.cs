using System.Buffers;
using System.Text.Json;

namespace Gyre.Server.Gateway;

/// <summary>
/// A request's JSON document over a copy of its body in a pooled buffer: the buffer goes back to
/// the pool when the request is done with the document. Nothing may keep an element of it past
/// <see cref="Dispose"/> (a shadow copy takes a <see cref="JsonElement.Clone"/>).
/// </summary>
internal sealed class RequestJson : IDisposable
{
    private readonly JsonDocument _document;
    private byte[]? _buffer;

    private RequestJson(JsonDocument document, byte[] buffer)
    {
        _document = document;
        _buffer = buffer;
    }

    public JsonElement RootElement => _document.RootElement;

    /// <summary>Parses <paramref name="body"/> from a pooled copy; a <see cref="JsonException"/> gives the copy back first.</summary>
    public static RequestJson Parse(ReadOnlySequence<byte> body)
    {
        var length = checked((int)body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            return new RequestJson(JsonDocument.Parse(buffer.AsMemory(0, length)), buffer);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    public void Dispose()
    {
        _document.Dispose();
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
