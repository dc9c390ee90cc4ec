using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Gyre.Core.Errors;

namespace Gyre.Server.Inference;

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

    /// <summary>Parses <paramref name="body"/> from a pooled copy; invalid_argument when it is not UTF-8, and an invalid one or a <see cref="JsonException"/> gives the copy back first.</summary>
    public static RequestJson Parse(ReadOnlySequence<byte> body)
    {
        var length = checked((int)body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            // JSON text is UTF-8; the document checks strings only when they are read, later, where a
            // bad byte would surface as an unexpected error instead of this 400.
            if (!Utf8.IsValid(buffer.AsSpan(0, length)))
            {
                throw GyreException.Invalid($"body: not valid UTF-8 (byte {FirstInvalid(buffer.AsSpan(0, length))}); JSON text must be UTF-8");
            }
            return new RequestJson(JsonDocument.Parse(buffer.AsMemory(0, length)), buffer);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static int FirstInvalid(ReadOnlySpan<byte> text)
    {
        var at = 0;
        while (at < text.Length && Rune.DecodeFromUtf8(text[at..], out _, out var consumed) == OperationStatus.Done)
        {
            at += consumed;
        }
        return at;
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
