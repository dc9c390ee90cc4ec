using Gyre.Bench;

// dotnet run -c Release --project bench/Gyre.Bench -- [ingest|search|profile|hash|train|score|predictor|log|serve|pipeline|drift|alarms|objects|pg-ingest|pg-search|pg-serve|replicas|replicas-serve|queue|tracing|grpc|batching|sequential|estimate|labels|all]
// (pg-ingest, pg-search, pg-serve, replicas, replicas-serve and queue need $GYRE_BENCH_POSTGRES, a PostgreSQL URL; objects needs $GYRE_BENCH_S3 and $GYRE_BENCH_AZURITE; they are not part of "all", nor are tracing, grpc, batching, sequential, estimate and labels)
// serve alone may name the targets to run: serve [bare] [bare-log] [bare-sync] [gyre] [fast] [python]; batching the connection counts: batching [1] [8] [32] [128], or batching 0 for the models alone
var which = args.FirstOrDefault() ?? "all";
if (which is "ingest" or "all")
{
    await IngestBenchmark.RunAsync();
}
if (which is "search" or "all")
{
    await SearchBenchmark.RunAsync();
}
if (which is "profile" or "all")
{
    await ProfileBenchmark.RunAsync();
}
if (which is "hash" or "all")
{
    await HashBenchmark.RunAsync();
}
if (which is "train" or "all")
{
    await TrainBenchmark.RunAsync();
}
if (which is "score" or "all")
{
    await ScoreBenchmark.RunAsync();
}
if (which is "predictor" or "all")
{
    await PredictorBenchmark.RunAsync();
}
if (which is "log" or "all")
{
    await PredictionLogBenchmark.RunAsync();
}
if (which is "serve" or "all")
{
    await ServeBenchmark.RunAsync(which == "serve" ? args.Skip(1).ToHashSet() : []);
}
if (which is "vectors")
{
    VectorSearchBenchmark.Run();
}
if (which is "labels")
{
    await LabelSamplingBenchmark.RunAsync();
}
if (which is "lookup")
{
    await LookupServeBenchmark.RunAsync();
}
if (which is "pipeline" or "all")
{
    await PipelineBenchmark.RunAsync();
}
if (which is "drift" or "all")
{
    await DriftBenchmark.RunAsync();
}
if (which is "alarms")
{
    await AlarmBenchmark.RunAsync();
}
if (which is "objects")
{
    await ObjectStoreBenchmark.RunAsync();
}
if (which is "pg-ingest")
{
    await PostgresBenchmarks.IngestAsync();
}
if (which is "pg-search")
{
    await PostgresBenchmarks.SearchAsync();
}
if (which is "pg-serve")
{
    await PostgresServeBenchmark.RunAsync();
}
if (which is "replicas")
{
    await ReplicaBenchmark.RunAsync();
}
if (which is "queue")
{
    await RunQueueBenchmark.RunAsync();
}
if (which is "tracing")
{
    await TracingBenchmark.RunAsync();
}
if (which is "grpc")
{
    await GrpcBenchmark.RunAsync();
}
if (which is "batching")
{
    await BatchingBenchmark.RunAsync([.. args.Skip(1).Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture))]);
}
if (which is "training-set")
{
    var sizes = args.Skip(1).Select(a => long.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    await TrainingSetBenchmark.RunAsync(sizes.ElementAtOrDefault(0) is > 0 and var e ? e : 1_000_000, sizes.ElementAtOrDefault(1) is > 0 and var f ? f : 10_000_000);
}
if (which is "estimate")
{
    EstimateBenchmark.Run();
}
if (which is "sequential")
{
    SequentialBenchmark.Run(args.Contains("sweep"));
}
if (which is "replicas-serve")
{
    await ReplicaServeBenchmark.RunAsync();
}
