using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.S3.Transfer;
using Azure.Storage.Blobs;
using Gyre.Core.Data;
using Gyre.Storage.Artifacts.Objects;
using Gyre.Storage.Data;

namespace Gyre.Bench;

/// <summary>
/// <c>objects</c>: a 1 GiB file uploaded and downloaded through a Gyre server (in this process) whose
/// artifacts are in an object store, against the same transfer made directly with the store's SDK
/// (<c>TransferUtility</c> for S3, <c>BlobClient</c> for Azure) to the same emulator, in alternating
/// rounds; the process's peak memory growth during Gyre's upload; and a 1,000,000-row dataset profiled
/// from the filesystem store against the same content read through the object store's local cache,
/// cold (fetched and checked) and warm. Needs <c>$GYRE_BENCH_S3</c> (an S3 endpoint such as
/// s3rver's) and <c>$GYRE_BENCH_AZURITE</c> (a connection string), as <c>.ci/objectstores start</c> prints them.
/// </summary>
internal static class ObjectStoreBenchmark
{
    private const long Size = 1L << 30;
    private const int Rounds = 3;

    public static async Task RunAsync()
    {
        var s3 = Environment.GetEnvironmentVariable("GYRE_BENCH_S3")
            ?? throw new InvalidOperationException("set GYRE_BENCH_S3 and GYRE_BENCH_AZURITE (eval \"$(bash .ci/objectstores start)\" and use its GYRE_TEST_S3 and GYRE_TEST_AZURITE)");
        var azurite = Environment.GetEnvironmentVariable("GYRE_BENCH_AZURITE") ?? throw new InvalidOperationException("set GYRE_BENCH_AZURITE");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_S3", s3);
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "S3RVER");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "S3RVER");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite);
        var folder = Directory.CreateTempSubdirectory("gyre-bench-objects-").FullName;
        try
        {
            var file = Path.Combine(folder, "big.bin");
            await WriteRandomAsync(file);
            var settings = new S3Settings(PathStyle: true, ChunkEncoding: false, ChecksumsWhenRequired: true);
            var s3Bucket = "gyre-bench-" + Guid.NewGuid().ToString("N")[..12];
            var azureContainer = "gyre-bench-" + Guid.NewGuid().ToString("N")[..12];
            using var s3Client = S3Bucket.Client(settings);
            await TransfersAsync("s3", $"s3://{s3Bucket}/bench?path_style=true&chunk_encoding=false&checksum=when_required", file, folder,
                upload: () => new TransferUtility(s3Client).UploadAsync(new TransferUtilityUploadRequest { FilePath = file, BucketName = s3Bucket, Key = "direct/big.bin" }),
                download: target => new TransferUtility(s3Client).DownloadAsync(new TransferUtilityDownloadRequest { FilePath = target, BucketName = s3Bucket, Key = "direct/big.bin" }));
            var blob = new BlobContainerClient(azurite, azureContainer).GetBlobClient("direct/big.bin");
            await TransfersAsync("azblob", $"azblob://{azureContainer}/bench", file, folder,
                upload: () => blob.UploadAsync(file, overwrite: true),
                download: target => blob.DownloadToAsync(target));
            File.Delete(file);
            using var profileBucket = new S3Bucket(S3Bucket.Client(settings), s3Bucket, settings);
            await ProfileAsync(profileBucket, folder);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task TransfersAsync(string store, string url, string file, string folder, Func<Task> upload, Func<string, Task> download)
    {
        await using var server = await BenchServer.StartAsync(artifacts: url);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromMinutes(30) };
        var created = await http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" });
        var run = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString();
        var path = $"/api/v1/runs/{run}/artifacts/big.bin";
        var target = Path.Combine(folder, "down.bin");
        Console.WriteLine($"objects {store}: 1 GiB through Gyre (PUT/GET /api/v1/runs/…/artifacts) against the SDK's own transfer, {Rounds} rounds; MB/s, higher is better");
        var ratios = new List<(double Up, double Down)>();
        for (var round = 1; round <= Rounds; round++)
        {
            var baseline = Memory("VmRSS");
            await File.WriteAllTextAsync("/proc/self/clear_refs", "5");
            var gyreUp = await TimeAsync(async () =>
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
                var content = new StreamContent(stream, 1 << 20);
                content.Headers.ContentLength = Size;
                (await http.PutAsync(path, content)).EnsureSuccessStatusCode();
            });
            var growth = (Memory("VmHWM") - baseline) / 1e6;
            var directUp = await TimeAsync(upload);
            var gyreDown = await TimeAsync(async () =>
            {
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync();
                await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
                await body.CopyToAsync(output, 1 << 20);
            });
            var directDown = await TimeAsync(() => download(target));
            ratios.Add((directUp / gyreUp, directDown / gyreDown));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"objects {store} round {round}: upload gyre {Rate(gyreUp),5:N0} sdk {Rate(directUp),5:N0} ratio {directUp / gyreUp:0.00}x (process peak +{growth:N0} MB); "
                + $"download gyre {Rate(gyreDown),5:N0} sdk {Rate(directDown),5:N0} ratio {directDown / gyreDown:0.00}x"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"objects {store}: median ratio upload {ratios.Select(r => r.Up).Order().ElementAt(Rounds / 2):0.00}x, download {ratios.Select(r => r.Down).Order().ElementAt(Rounds / 2):0.00}x"));
    }

    /// <summary>The same 1,000,000-row file profiled from the filesystem store, and through the object store's cache cold and warm.</summary>
    private static async Task ProfileAsync(S3Bucket bucket, string folder)
    {
        var csv = Path.Combine(folder, "wide.csv");
        ProfileBenchmark.Generate(csv);
        Console.WriteLine($"objects profile: {ProfileBenchmark.Rows:N0} rows x 20 columns, {new FileInfo(csv).Length / 1e6:N0} MB, {Rounds} rounds");
        var local = new DatasetObjectStore(Path.Combine(folder, "fs"));
        var digest = await AddAsync(local, csv);
        var uploaded = new ObjectDatasetStore(bucket, "profile", new DatasetObjectStore(Path.Combine(folder, "uploader")), 10L << 30);
        await AddAsync(uploaded, csv);
        var reader = new DuckDbDatasetReader(folder);
        await InspectAsync(reader, local.LocalPath(digest, DatasetFormat.Csv));
        for (var round = 1; round <= Rounds; round++)
        {
            var onDisk = await TimeAsync(() => InspectAsync(reader, local.LocalPath(digest, DatasetFormat.Csv)));
            var cache = Path.Combine(folder, $"cache-{round}");
            var reading = new ObjectDatasetStore(bucket, "profile", new DatasetObjectStore(cache), 10L << 30);
            var cold = await TimeAsync(async () => await InspectAsync(reader, await reading.LocalPathAsync(digest, DatasetFormat.Csv, CancellationToken.None)));
            var warm = await TimeAsync(async () => await InspectAsync(reader, await reading.LocalPathAsync(digest, DatasetFormat.Csv, CancellationToken.None)));
            Directory.Delete(cache, recursive: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"objects profile round {round}: filesystem {onDisk:0.00} s; object store cold (fetch + check + profile) {cold:0.00} s ({cold / onDisk:0.00}x); warm {warm:0.00} s ({warm / onDisk:0.00}x)"));
        }
    }

    private static async Task<string> AddAsync(IDatasetObjectStore store, string csv)
    {
        await using var content = File.OpenRead(csv);
        await using var staged = await store.StageAsync(content, DatasetFormat.Csv, long.MaxValue, CancellationToken.None);
        await staged.CommitAsync(CancellationToken.None);
        return staged.Digest;
    }

    private static Task InspectAsync(DuckDbDatasetReader reader, string path) =>
        reader.InspectAsync(path, DatasetFormat.Csv, ReadOptions.Default, Gyre.Core.Data.Schemas.SchemaCheck.Domains(null), CancellationToken.None);

    private static async Task WriteRandomAsync(string path)
    {
        var block = new byte[1 << 20];
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        for (long written = 0; written < Size; written += block.Length)
        {
            Random.Shared.NextBytes(block);
            await output.WriteAsync(block);
        }
    }

    private static async Task<double> TimeAsync(Func<Task> work)
    {
        var stopwatch = Stopwatch.StartNew();
        await work();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static double Rate(double seconds) => Size / 1e6 / seconds;

    /// <summary>A line of <c>/proc/self/status</c> in bytes.</summary>
    private static long Memory(string field)
    {
        var line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
