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
/// Each record is made as the append is called, as a request makes it, so that the collector sees
/// its garbage. Then the queries that read the log, timed on the durable round's records.
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
                    using var log = PredictionLog.Open(Path.Combine(folder, "predictions.db"), TimeProvider.System);
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var clock = Stopwatch.StartNew();
                    if (durable)
                    {
                        var next = -1;
                        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
                        {
                            for (var i = Interlocked.Increment(ref next); i < Records; i = Interlocked.Increment(ref next))
                            {
                                await log.AppendAsync([Record(i)], durable: true);
                            }
                        })));
                    }
                    else
                    {
                        for (var i = 0; i < Records; i++)
                        {
                            await log.AppendAsync([Record(i)], durable: false);
                            if (log.QueueDepth > PredictionLog.MaxQueuedRecords / 2)
                            {
                                await Task.Delay(1); // stay under the bound: this measures writing, not dropping
                            }
                        }
                    }
                    // A query has the writers commit everything queued before it.
                    var (items, _) = await log.QueryAsync("bench", 0, long.MaxValue, 1, null, CancellationToken.None);
                    var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                    Console.WriteLine($"predictions log round {round}: {(durable ? "durable" : "fast"),-8} {Records / clock.Elapsed.TotalSeconds,9:N0} records/s  {spent.TotalMicroseconds / Records,6:0.00} us CPU/record  dropped {log.Dropped}  ({items.Count} read back)");
                    if (durable)
                    {
                        await QueriesAsync(log, round, start.ToUnixTimeMilliseconds());
                    }
                }
                finally
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// The reads of the log on its <see cref="Records"/> records (10 s of them, 20 a millisecond):
    /// paging through all of them a thousand at a time as the monitor does, feedback for a thousand (five a page)
    /// spread over them, online metrics' reads, and an export.
    /// </summary>
    private static async Task QueriesAsync(PredictionLog log, int round, long start)
    {
        var clock = Stopwatch.StartNew();
        var ids = new List<string>();
        var (pages, token) = (0, (string?)null);
        do
        {
            var (items, next) = await log.QueryAsync("bench", 0, long.MaxValue, 1_000, token, CancellationToken.None);
            ids.AddRange(items.Where((_, i) => i % 200 == 0).Select(i => i.Prediction.PredictionId));
            (pages, token) = (pages + 1, next);
        }
        while (token is not null);
        var paged = clock.Elapsed;
        clock.Restart();
        var feedback = await log.AddFeedbackAsync("bench", ids.Select(id => new Feedback(id, "\"yes\"")).ToList(), FeedbackSource.Application, CancellationToken.None);
        var joined = clock.Elapsed;
        clock.Restart();
        var labelled = await log.LabelledAsync("bench", start, CancellationToken.None);
        var windows = await log.CountByWindowAsync("bench", start, 1_000, CancellationToken.None);
        var metrics = clock.Elapsed;
        var file = Path.GetTempFileName();
        clock.Restart();
        var exported = await log.ExportParquetAsync("bench", 0, long.MaxValue, file, CancellationToken.None);
        var export = clock.Elapsed;
        File.Delete(file);
        Console.WriteLine($"predictions log round {round}: queries  paged {pages} x 1,000 in {paged.TotalMilliseconds:N0} ms  feedback {feedback.Accepted} in {joined.TotalMilliseconds:N0} ms  "
            + $"labelled {labelled.Count} + {windows.Count} windows in {metrics.TotalMilliseconds:N0} ms  export {exported:N0} in {export.TotalMilliseconds:N0} ms");
    }
}
