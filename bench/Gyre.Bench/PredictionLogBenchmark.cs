using System.Diagnostics;
using System.Globalization;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;

namespace Gyre.Bench;

/// <summary>
/// The prediction log alone, fed rows like the serving benchmark's (one row of 20 features a
/// record): CPU per record for fast mode (queued, written by the table writer in batches) and for
/// durable mode (32 callers, each waiting for its record's journal sync, as 32 connections do).
/// CPU per record in one process without a load generator is steadier than a server's throughput.
/// </summary>
internal static class PredictionLogBenchmark
{
    private const int Records = 200_000;
    private const int Callers = 32;

    public static async Task RunAsync()
    {
        var inputs = "{" + string.Join(", ", Enumerable.Range(0, 20).Select(i => $"\"x{i}\": {((i + 1) * 0.37).ToString(CultureInfo.InvariantCulture)}")) + "}";
        var start = DateTimeOffset.UtcNow;
        PredictionRecord Record(int i) => new(PredictionIds.New(start.AddMilliseconds(i / 20)), "bench", "serve-v1", "serve", 1,
            start.ToUnixTimeMilliseconds() + i / 20, 0.21, inputs, "{\"probability\":0.5312,\"label\":\"yes\"}", "weighted");
        for (var round = 1; round <= 3; round++)
        {
            foreach (var durable in new[] { false, true })
            {
                var folder = Directory.CreateTempSubdirectory("gyre-bench-log-").FullName;
                try
                {
                    using var log = SqlitePredictionLog.Open(Path.Combine(folder, "predictions.db"), TimeProvider.System);
                    var records = Enumerable.Range(0, Records).Select(i => new[] { Record(i) }).ToArray();
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    if (durable)
                    {
                        var next = -1;
                        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
                        {
                            for (var i = Interlocked.Increment(ref next); i < Records; i = Interlocked.Increment(ref next))
                            {
                                await log.AppendAsync(records[i], durable: true, CancellationToken.None);
                            }
                        })));
                    }
                    else
                    {
                        foreach (var record in records)
                        {
                            await log.AppendAsync(record, durable: false, CancellationToken.None);
                            if (log.QueueDepth > SqlitePredictionLog.MaxQueuedRecords / 2)
                            {
                                await Task.Delay(1); // stay under the bound: this measures writing, not dropping
                            }
                        }
                    }
                    // A query has the writers commit everything queued before it.
                    var (items, _) = await log.QueryAsync("bench", 0, long.MaxValue, 1, null, CancellationToken.None);
                    var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    Console.WriteLine($"predictions log round {round}: {(durable ? "durable" : "fast"),-8} {Records / clock.Elapsed.TotalSeconds,9:N0} records/s  {spent.TotalMicroseconds / Records,6:0.00} us CPU/record  dropped {log.Dropped}  ({items.Count} read back)");
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }
}
