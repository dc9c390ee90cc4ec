using System.Diagnostics;
using System.Numerics.Tensors;
using Gyre.Core.Features.Vectors;
using Gyre.Storage.Features;

namespace Gyre.Bench;

/// <summary>
/// Similarity search: 1,000,000 vectors of 384 dimensions (seeded), the top 10 by cosine distance,
/// side by side in alternating rounds: Gyre's index (<see cref="MappedVectorIndex"/>: the rows in a
/// memory-mapped file, a dot product per row against precomputed norms, the rows split among the
/// cores) and a bare <c>TensorPrimitives.CosineSimilarity</c> scan of the same rows held in a managed
/// array, split among the cores alike. Goal: at least 0.8x the bare scan's queries a second. Both
/// answers are compared: the same ten entities. A third side, a bare <c>TensorPrimitives.Dot</c> scan
/// (a ranking by dot product, which cosine is not unless the rows are normalised), is the floor: one
/// pass over the rows, as Gyre's index makes.
/// </summary>
internal static class VectorSearchBenchmark
{
    private const int Rows = 1_000_000;
    private const int Dimensions = 384;
    private const int K = 10;
    private const int Queries = 20;

    public static void Run()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-vectors-").FullName;
        try
        {
            var random = new Random(384);
            var data = new float[(long)Rows * Dimensions];
            for (long i = 0; i < data.LongLength; i++)
            {
                data[i] = (float)(random.NextDouble() * 2 - 1);
            }
            var clock = Stopwatch.StartNew();
            MappedVectorIndex index;
            using (var writer = new MappedVectorIndex.Writer(Path.Combine(folder, "vectors.f32"), Dimensions))
            {
                for (var i = 0; i < Rows; i++)
                {
                    writer.Add($"e{i}", 0, data.AsSpan(i * Dimensions, Dimensions));
                }
                index = writer.Open();
            }
            Console.WriteLine($"vectors: {Rows:N0} x {Dimensions} float32 ({(long)Rows * Dimensions * 4 / 1e9:0.00} GB); index written in {clock.Elapsed.TotalSeconds:0.0} s; managed heap {GC.GetTotalMemory(false) / 1e9:0.00} GB (the bare scan's array)");
            using (index)
            {
                var queries = Enumerable.Range(0, Queries).Select(_ => Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
                // The two agree on the answer.
                var gyre = index.Nearest(queries[0], K, VectorMetrics.Cosine).Select(n => n.Row).ToList();
                var bare = Bare(data, queries[0]);
                Console.WriteLine($"vectors: the same {K} nearest: {gyre.SequenceEqual(bare)}");
                for (var round = 1; round <= 3; round++)
                {
                    clock.Restart();
                    foreach (var q in queries)
                    {
                        index.Nearest(q, K, VectorMetrics.Cosine);
                    }
                    var gyreRate = Queries / clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    foreach (var q in queries)
                    {
                        Bare(data, q);
                    }
                    var bareRate = Queries / clock.Elapsed.TotalSeconds;
                    clock.Restart();
                    foreach (var q in queries)
                    {
                        Bare(data, q, dotOnly: true);
                    }
                    var dotRate = Queries / clock.Elapsed.TotalSeconds;
                    Console.WriteLine($"vectors round {round}: gyre {gyreRate:0.00} queries/s, bare CosineSimilarity scan {bareRate:0.00} ({gyreRate / bareRate:0.00}x, goal >= 0.8x), "
                        + $"bare Dot scan (a ranking by dot product alone, the floor) {dotRate:0.00} ({gyreRate / dotRate:0.00}x); working set {Environment.WorkingSet / 1e9:0.00} GB");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The baseline: cosine similarity of every row with the query, the rows split among the cores, the best K kept.</summary>
    private static List<int> Bare(float[] data, float[] query, bool dotOnly = false)
    {
        var parts = Environment.ProcessorCount;
        var best = new List<(int Row, float Similarity)>[parts];
        Parallel.For(0, parts, p =>
        {
            var (from, to) = ((int)((long)Rows * p / parts), (int)((long)Rows * (p + 1) / parts));
            var top = new List<(int Row, float Similarity)>(K + 1);
            for (var i = from; i < to; i++)
            {
                var row = new ReadOnlySpan<float>(data, i * Dimensions, Dimensions);
                var similarity = dotOnly ? TensorPrimitives.Dot(row, query) : TensorPrimitives.CosineSimilarity(row, query);
                if (top.Count < K || similarity > top[^1].Similarity)
                {
                    var at = top.FindIndex(t => t.Similarity < similarity);
                    top.Insert(at < 0 ? top.Count : at, (i, similarity));
                    if (top.Count > K)
                    {
                        top.RemoveAt(K);
                    }
                }
            }
            best[p] = top;
        });
        return [.. best.SelectMany(b => b).OrderByDescending(b => b.Similarity).ThenBy(b => b.Row).Take(K).Select(b => b.Row)];
    }
}
