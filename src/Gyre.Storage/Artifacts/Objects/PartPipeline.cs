using System.Buffers;

namespace Gyre.Storage.Artifacts.Objects;

/// <summary>
/// Sends content to an object store in parts, reading the next part from the client while earlier
/// ones are on their way to the store, as the SDKs' own transfer managers do: at most
/// <see cref="InFlight"/> parts are being sent and one more is being read, so at most
/// <c>InFlight + 1</c> part buffers are in memory whatever the content's size. A failure stops the
/// reading, cancels the sends still running and waits for them before their buffers are reused.
/// </summary>
internal static class PartPipeline
{
    /// <summary>Parts sent at once: two keep the link to the store busy while the next part is read (measured in docs/benchmarks.md).</summary>
    public const int InFlight = 2;

    /// <summary>
    /// Sends <paramref name="first"/> (its first <paramref name="firstLength"/> bytes, already read)
    /// and then the rest of <paramref name="content"/> part by part through <paramref name="send"/>
    /// (given the part's number from 1 and its bytes); returns what each send returned, in order.
    /// Takes ownership of <paramref name="first"/>, a buffer rented from the shared pool.
    /// </summary>
    public static async Task<IReadOnlyList<T>> SendAsync<T>(DigestingStream content, byte[] first, int firstLength, int partSize,
        Func<int, ArraySegment<byte>, CancellationToken, Task<T>> send, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sending = new Queue<(Task<T> Send, byte[] Buffer)>();
        var free = new Stack<byte[]>();
        var results = new List<T>();
        var buffer = first;
        try
        {
            var filled = firstLength;
            while (filled > 0)
            {
                sending.Enqueue((send(results.Count + sending.Count + 1, new ArraySegment<byte>(buffer, 0, filled), stop.Token), buffer));
                buffer = null!;
                if (sending.Count == InFlight)
                {
                    var (done, freed) = sending.Dequeue();
                    results.Add(await done);
                    free.Push(freed);
                }
                buffer = free.Count > 0 ? free.Pop() : ArrayPool<byte>.Shared.Rent(partSize);
                filled = await content.FillAsync(buffer.AsMemory(0, partSize), ct);
            }
            while (sending.Count > 0)
            {
                var (done, freed) = sending.Dequeue();
                results.Add(await done);
                free.Push(freed);
            }
            return results;
        }
        finally
        {
            if (sending.Count > 0)
            {
                await stop.CancelAsync();
                foreach (var (running, used) in sending)
                {
                    try
                    {
                        await running;
                    }
                    catch (Exception)
                    {
                        // The failure that stopped the upload is the one the caller hears.
                    }
                    free.Push(used);
                }
            }
            if (buffer is not null)
            {
                free.Push(buffer);
            }
            foreach (var used in free)
            {
                ArrayPool<byte>.Shared.Return(used);
            }
        }
    }
}
