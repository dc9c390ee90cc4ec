using System.IO.Compression;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Core.Models;

/// <summary>
/// A model package as one zip file: <c>gyre-model.json</c> and the model file beside it, nothing
/// else, no folders. Reading checks the archive before extracting anything: only those two
/// entries, each checked on what the archive declares of it (size and expansion) before a byte is
/// written, and read with its declared size as the limit, counted as it streams; so a zip bomb or
/// a path that climbs out is refused rather than unpacked.
/// </summary>
public static class PackageArchive
{
    public const string MediaType = "application/zip";

    /// <summary>A manifest is small; this bounds what is read before it is parsed.</summary>
    public const long MaxManifestBytes = 1 << 20;

    /// <summary>How many times an entry may expand: model weights compress a little, a zip bomb by thousands.</summary>
    public const long MaxExpansion = 100;

    /// <summary>Entries up to this size are not checked for expansion: they are harmless whatever their ratio.</summary>
    private const long MinCheckedBytes = 1 << 20;

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
        var level = ModelFlavors.Of(package).Compressible ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
        await using (var stream = await zip.CreateEntry(package.ModelFile, level).OpenAsync(ct))
        {
            await model.CopyToAsync(stream, ct);
        }
    }

    /// <summary>
    /// Copies an entry after checking what the archive declares of it (its size against the limit,
    /// and how much it expands, past 1 MiB), and stops at the declared size: nothing is written for
    /// an entry that claims too much, and one that lies about its size is refused at the lie.
    /// </summary>
    private static async Task CopyLimitedAsync(ZipArchiveEntry entry, Stream destination, long maxBytes, CancellationToken ct)
    {
        if (entry.Length > maxBytes)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"body: {entry.FullName} unpacks to more than the limit of {maxBytes} bytes (it declares {entry.Length})");
        }
        if (entry.Length > MinCheckedBytes && entry.Length > MaxExpansion * Math.Max(entry.CompressedLength, 1))
        {
            throw GyreException.Invalid($"body: {entry.FullName} expands {entry.Length / Math.Max(entry.CompressedLength, 1)} times "
                + $"({entry.CompressedLength} bytes to {entry.Length}), more than a model does ({MaxExpansion} at most); refused as a likely zip bomb");
        }
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        try
        {
            await using var source = await entry.OpenAsync(ct);
            while ((read = await source.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > entry.Length)
                {
                    throw GyreException.Invalid($"body: {entry.FullName} unpacks to more than the {entry.Length} bytes the archive declares");
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
