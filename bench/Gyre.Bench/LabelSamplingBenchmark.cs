using System.Globalization;
using Gyre.Core.Data;
using Gyre.Core.Labelling;
using Gyre.Core.Learning.Training;

namespace Gyre.Bench;

/// <summary>
/// Whether labelling queues slow the gateway: the serving benchmark's LightGBM model under wrk, in
/// alternating rounds without queues and with two queues (uncertainty and random, windows of 3 s)
/// whose sampler reads every window's predictions from the log while the load runs. Goal: the
/// gateway's throughput and p99 with queues within the rounds' own spread of those without.
/// </summary>
internal static class LabelSamplingBenchmark
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    /// <summary>
    /// What the sampler costs, without the noise of the rounds: the whole log read as the sampler
    /// reads it and offered to an uncertainty strategy, in this process with no load, timed and its
    /// CPU counted; then the share of one core it takes to keep up with the rounds' traffic.
    /// </summary>
    private static async Task MeasureReadingAsync(BenchServer gyre, double requestsPerSecond)
    {
        var log = (Gyre.Core.Serving.Log.IPredictionLog)gyre.Services.GetService(typeof(Gyre.Core.Serving.Log.IPredictionLog))!;
        for (var round = 0; round < 2; round++)
        {
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var strategy = new Gyre.Core.Labelling.Sampling.UncertaintyStrategy(50);
            long read = 0;
            await foreach (var batch in log.ReadAsync("served", 0, long.MaxValue, CancellationToken.None))
            {
                foreach (var prediction in batch.Records)
                {
                    strategy.Offer(prediction);
                    read++;
                }
            }
            process.Refresh();
            var seconds = (process.TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"labels: read and offered {read:N0} logged predictions in {clock.Elapsed.TotalSeconds:0.00} s, {seconds:0.00} s of CPU: "
                + $"{read / seconds:N0} a CPU-second; keeping up with {requestsPerSecond:N0} req/s takes {requestsPerSecond / (read / seconds) * 100:0.0}% of one core per endpoint");
        }
    }

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-labels-").FullName;
        try
        {
            var train = Path.Combine(folder, "train.csv");
            ServeBenchmark.WriteTrainingData(train, "yes", "no");
            await using var gyre = await BenchServer.StartAsync();
            using var client = new Gyre.Client.GyreClient(new Gyre.Client.GyreClientOptions { Server = gyre.Address, Timeout = TimeSpan.FromMinutes(10) });
            await using (var stream = File.OpenRead(train))
            {
                await client.Datasets.AddAsync("serve", stream, DatasetFormat.Csv);
            }
            await client.Trainings.TrainAsync(new TrainingRequest("serve", Task: "binary", Label: "label", Register: "serve"));
            await client.Endpoints.CreateAsync("served", "serve/1", logMode: "durable");
            string Value(int i) => ((i + 1) * 0.37).ToString(CultureInfo.InvariantCulture);
            var script = Path.Combine(folder, "row.lua");
            File.WriteAllText(script, "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nrequest = function()\n  return wrk.format(nil, nil, nil, '"
                + $"{{\"instances\": [{{{string.Join(", ", ServeBenchmark.Features.Select((f, i) => $"\"{f}\": ' .. ({Value(i)} + math.random()) .. '"))}}}]}}"
                + "')\nend\n");
            var url = $"{gyre.Address}endpoints/served/predict";
            Console.WriteLine($"labels: wrk -t2 -c{ServeBenchmark.Connections} -d{Duration.TotalSeconds:0}s, one row per request; LightGBM on 20 features, durable log; queues: uncertainty and random, 1000/minute, windows of 3 s");
            await ServeBenchmark.WrkAsync(url, script, WarmUp);
            var without = new List<ServeBenchmark.WrkResult>();
            var with = new List<ServeBenchmark.WrkResult>();
            long sampled = 0;
            for (var round = 1; round <= 3; round++)
            {
                var plain = await ServeBenchmark.WrkAsync(url, script, Duration);
                without.Add(plain);
                Console.WriteLine($"labels round {round}: no queues   {plain.RequestsPerSecond,10:N0} req/s  p50 {plain.P50Ms,6:0.00} ms  p99 {plain.P99Ms,6:0.00} ms  non-2xx {plain.Errors}");
                foreach (var strategy in new[] { LabelStrategies.Uncertainty, LabelStrategies.Random })
                {
                    await client.Labels.CreateQueueAsync(new LabelQueueRequest($"{strategy}-{round}", "served", strategy, "1000/minute", WindowSeconds: 3));
                }
                var queued = await ServeBenchmark.WrkAsync(url, script, Duration);
                with.Add(queued);
                // The windows of the round close and settle, and are sampled, before the queues go.
                await Task.Delay(TimeSpan.FromSeconds(10));
                foreach (var strategy in new[] { LabelStrategies.Uncertainty, LabelStrategies.Random })
                {
                    var status = await client.Labels.GetQueueAsync($"{strategy}-{round}");
                    sampled += status.Items.Values.Sum();
                    await client.Labels.DeleteQueueAsync($"{strategy}-{round}");
                }
                Console.WriteLine($"labels round {round}: two queues  {queued.RequestsPerSecond,10:N0} req/s  p50 {queued.P50Ms,6:0.00} ms  p99 {queued.P99Ms,6:0.00} ms  non-2xx {queued.Errors}");
            }
            Console.WriteLine($"labels: with/without queues throughput {with.Average(r => r.RequestsPerSecond) / without.Average(r => r.RequestsPerSecond):N2}x (rounds without: "
                + $"{without.Min(r => r.RequestsPerSecond):N0}-{without.Max(r => r.RequestsPerSecond):N0} req/s), p99 {with.Average(r => r.P99Ms):0.00} vs {without.Average(r => r.P99Ms):0.00} ms; "
                + $"{sampled:N0} items sampled from the rounds' predictions");
            await MeasureReadingAsync(gyre, without.Average(r => r.RequestsPerSecond));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
