using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using Gyre.Core.Features.Vectors;

namespace Gyre.Storage.Features;

/// <summary>
/// One vector feature's latest vectors as float32 rows in a memory-mapped file, with each entity's
/// key, event time and squared norm in memory. A query is one <c>TensorPrimitives.Dot</c> per row,
/// the rows split among the cores, each keeping its own k nearest: cosine distance is 1 − dot / (|x||q|)
/// and L2 is √(|x|² + |q|² − 2 dot), both from the dot product and the norms.
/// </summary>
internal sealed unsafe class MappedVectorIndex : IDisposable
{
    private readonly MemoryMappedFile? _file;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly float* _rows;
    private readonly string _path;
    private int _disposed;

    private MappedVectorIndex(string path, string[] keys, long[] times, float[] squaredNorms, int dimensions)
    {
        (_path, Keys, Times, SquaredNorms, Dimensions) = (path, keys, times, squaredNorms, dimensions);
        if (keys.Length == 0)
        {
            return; // a file of no bytes cannot be mapped, and nothing is searched
        }
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* start = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
        _rows = (float*)(start + _view.PointerOffset);
    }

    public string[] Keys { get; }

    public long[] Times { get; }

    public float[] SquaredNorms { get; }

    public int Dimensions { get; }

    public int Count => Keys.Length;

    /// <summary>Maps a file of <c>keys.Length × dimensions</c> float32 rows, written by <see cref="Writer"/>.</summary>
    public static MappedVectorIndex Open(string path, string[] keys, long[] times, float[] squaredNorms, int dimensions) =>
        new(path, keys, times, squaredNorms, dimensions);

    private Dictionary<string, int>? _rowOf;

    /// <summary>The rows of the keys that have a vector here, in row order (the key map is made on the first filtered search).</summary>
    public int[] RowsOf(IReadOnlyCollection<string> keys)
    {
        var rowOf = LazyInitializer.EnsureInitialized(ref _rowOf, () => Keys.Select((key, row) => (key, row)).ToDictionary(p => p.key, p => p.row, StringComparer.Ordinal));
        return [.. keys.Select(k => rowOf.TryGetValue(k, out var row) ? row : -1).Where(row => row >= 0).Order()];
    }

    private ReadOnlySpan<float> Row(int i) => new(_rows + (long)i * Dimensions, Dimensions);

    /// <summary>The <paramref name="k"/> nearest rows to <paramref name="query"/> (of <paramref name="among"/>, when given), nearest first (ties by row).</summary>
    public IReadOnlyList<(int Row, double Distance)> Nearest(float[] query, int k, string metric, int[]? among = null)
    {
        var count = among?.Length ?? Count;
        if (count == 0)
        {
            return [];
        }
        var cosine = metric == VectorMetrics.Cosine;
        var queryNorm = (double)TensorPrimitives.Dot(query, query);
        var parts = Math.Max(1, Math.Min(Environment.ProcessorCount, count / 4096));
        var found = new (int Row, double Distance)[parts][];
        Parallel.For(0, parts, p =>
        {
            var (from, to) = ((int)((long)count * p / parts), (int)((long)count * (p + 1) / parts));
            // The k nearest so far, the farthest of them on top.
            var nearest = new PriorityQueue<int, double>(k + 1, Comparer<double>.Create((a, b) => b.CompareTo(a)));
            for (var j = from; j < to; j++)
            {
                var i = among is null ? j : among[j];
                var dot = (double)TensorPrimitives.Dot(Row(i), query);
                var distance = cosine
                    ? SquaredNorms[i] == 0 || queryNorm == 0 ? 1 : 1 - dot / Math.Sqrt(SquaredNorms[i] * queryNorm)
                    : Math.Sqrt(Math.Max(0, SquaredNorms[i] + queryNorm - 2 * dot));
                if (nearest.Count < k)
                {
                    nearest.Enqueue(i, distance);
                }
                else if (nearest.TryPeek(out _, out var farthest) && distance < farthest)
                {
                    nearest.DequeueEnqueue(i, distance);
                }
            }
            found[p] = [.. nearest.UnorderedItems.Select(e => (e.Element, e.Priority))];
        });
        return [.. found.SelectMany(f => f).OrderBy(f => f.Distance).ThenBy(f => f.Row).Take(k)];
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file!.Dispose();
        }
        File.Delete(_path);
    }

    /// <summary>Writes rows to the index's file as they are read, and opens the index over them.</summary>
    public sealed class Writer(string path, int dimensions) : IDisposable
    {
        private readonly FileStream _file = File.Create(path);
        private readonly List<string> _keys = [];
        private readonly List<long> _times = [];
        private readonly List<float> _norms = [];
        private readonly byte[] _row = new byte[dimensions * sizeof(float)];

        public void Add(string key, long time, ReadOnlySpan<float> vector)
        {
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector).CopyTo(_row);
            _file.Write(_row);
            _keys.Add(key);
            _times.Add(time);
            _norms.Add(TensorPrimitives.Dot(vector, vector));
        }

        public MappedVectorIndex Open()
        {
            _file.Dispose();
            return MappedVectorIndex.Open(path, [.. _keys], [.. _times], [.. _norms], dimensions);
        }

        public void Dispose() => _file.Dispose();
    }
}
