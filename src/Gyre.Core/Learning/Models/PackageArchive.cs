using System.IO.Compression;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Core.Learning.Models;

/// <summary>
/// A model package as one zip file: <c>gyre-model.json</c> and the model file beside it, nothing
/// else, no folders. Reading checks the archive before extracting anything: only those two
/// entries, and each read with a byte limit counted as it streams (an entry's declared size is
/// not trusted), so a zip bomb or a path that climbs out is refused rather than unpacked.
/// </summary>
public static class PackageArchive
{
    public const string MediaType = "application/zip";

    /// <summary>A manifest is small; this bounds what is read before it is parsed.</summary>
    public const long MaxManifestBytes = 1 << 20;

    /// <summary>Reads the manifest and extracts the model file to <paramref name="modelPath"/>; invalid_argument naming what is wrong.</summary>
    public static async Task<ModelPackage> ExtractAsync(string archivePath, string modelPath, long maxBytes, CancellationToken ct)
    {
        await using var file = File.OpenRead(archivePath);
        ZipArchive zip;
        try
        {
            zip = await ZipArchive.CreateAsync(file, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, ct);
        }
        catch (InvalidDataException e)
        {
            throw GyreException.Invalid($"body: not a zip archive ({e.Message})");
        }
        await using (zip)
        {
            var names = zip.Entries.Select(e => e.FullName).ToList();
            var manifestEntry = zip.GetEntry(ModelPackage.ManifestFile)
                ?? throw GyreException.Invalid($"body: the archive holds no {ModelPackage.ManifestFile}; its entries are {Describe(names)}");
            ModelPackage manifest;
            using (var buffer = new MemoryStream())
            {
                await CopyLimitedAsync(manifestEntry, buffer, MaxManifestBytes, ct);
                try
                {
                    manifest = JsonSerializer.Deserialize<ModelPackage>(buffer.ToArray(), GyreJson.Options)
                        ?? throw GyreException.Invalid($"{ModelPackage.ManifestFile}: expected a package manifest, got null");
                }
                catch (JsonException e)
                {
                    throw GyreException.Invalid($"{ModelPackage.ManifestFile}: not a package manifest: {e.Message}");
                }
            }
            manifest = ModelPackages.Check(manifest);
            var unexpected = names.Where(n => n != ModelPackage.ManifestFile && n != manifest.ModelFile).ToList();
            if (unexpected.Count > 0)
            {
                throw GyreException.Invalid($"body: a package holds {ModelPackage.ManifestFile} and {manifest.ModelFile} only; it also holds {Describe(unexpected)}");
            }
            var modelEntry = zip.GetEntry(manifest.ModelFile)
                ?? throw GyreException.Invalid($"body: the manifest names the model file {manifest.ModelFile}, which the archive does not hold");
            await using var model = new FileStream(modelPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await CopyLimitedAsync(modelEntry, model, maxBytes, ct);
            return manifest;
        }
    }

    /// <summary>Writes a package: the manifest, then the model file (stored uncompressed when it is already a zip).</summary>
    public static async Task WriteAsync(Stream destination, ModelPackage package, Stream model, CancellationToken ct)
    {
        await using var zip = await ZipArchive.CreateAsync(destination, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        var manifest = zip.CreateEntry(ModelPackage.ManifestFile, CompressionLevel.Optimal);
        await using (var stream = await manifest.OpenAsync(ct))
        {
            await JsonSerializer.SerializeAsync(stream, package, GyreJson.Options, ct);
        }
        var level = package.Flavor == ModelPackage.MlNet ? CompressionLevel.NoCompression : CompressionLevel.Optimal;
        await using (var stream = await zip.CreateEntry(package.ModelFile, level).OpenAsync(ct))
        {
            await model.CopyToAsync(stream, ct);
        }
    }

    private static async Task CopyLimitedAsync(ZipArchiveEntry entry, Stream destination, long maxBytes, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        try
        {
            await using var source = await entry.OpenAsync(ct);
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new GyreException(ErrorCode.PayloadTooLarge, $"body: {entry.FullName} unpacks to more than the limit of {maxBytes} bytes");
                }
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        catch (InvalidDataException e)
        {
            throw GyreException.Invalid($"body: {entry.FullName} in the archive is damaged ({e.Message})");
        }
    }

    private static string Describe(IEnumerable<string> names) => string.Join(", ", names.Take(10).Select(n => $"'{n}'"));
}
