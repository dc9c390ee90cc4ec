using System.Diagnostics;
using System.Security.Cryptography;
using Gyre.Core.Data;
using Gyre.Storage.Data;

namespace Gyre.Bench;

/// <summary>
/// Adding an already-known 1 GB file: the dataset store streams it to staging while hashing it,
/// then finds the digest known and drops the staged copy. Baselines in the same round: SHA-256
/// alone over the file, and a plain file copy (the read and write the staging does anyway).
/// </summary>
internal static class HashBenchmark
{
    private const long Size = 1L << 30;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-hash-").FullName;
        var source = Path.Combine(folder, "big.bin");
        try
        {
            await using (var file = File.Create(source))
            {
                var block = new byte[1 << 20];
                new Random(7).NextBytes(block);
                for (long written = 0; written < Size; written += block.Length)
                {
                    await file.WriteAsync(block);
                }
            }
            var store = new DatasetObjectStore(Path.Combine(folder, "store"));
            for (var round = 1; round <= 3; round++)
            {
                var stopwatch = Stopwatch.StartNew();
                await using (var input = File.OpenRead(source))
                await using (var staged = await store.StageAsync(input, DatasetFormat.Csv, long.MaxValue, CancellationToken.None))
                {
                    // Disposed uncommitted, as when the digest is already known.
                }
                var stage = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                await using (var input = File.OpenRead(source))
                {
                    await SHA256.HashDataAsync(input);
                }
                var hashOnly = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                File.Copy(source, source + ".copy", overwrite: true);
                var copy = stopwatch.Elapsed.TotalSeconds;
                File.Delete(source + ".copy");
                Console.WriteLine($"hash round {round}: gyre stage+hash {Size / stage / 1e9:N2} GB/s; SHA-256 alone {Size / hashOnly / 1e9:N2} GB/s; file copy {Size / copy / 1e9:N2} GB/s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
