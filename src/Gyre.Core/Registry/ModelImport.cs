using System.Security.Cryptography;
using System.Text.Json;
using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Models;
using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>
/// Brings models in and out as registered versions. An ONNX file trained anywhere is imported: it
/// is streamed to scratch space while hashed, and its signature read from the graph and checked
/// with the options. A package archive is uploaded: its manifest is checked and its model loaded.
/// Only then does a run record the package (model file and manifest) as artifacts and the version
/// get registered from it. Nothing is recorded for a file that fails a check.
/// </summary>
public sealed class ModelImport(
    ITrackingStore tracking, IRegistryStore registry, IArtifactStore artifacts, ModelVersionRegistration registration,
    IModelInspector inspector, IModelRuntime runtime, ScratchSpace scratchSpace, TimeProvider time)
{
    public const string PackagePath = "model";

    public async Task<(ModelVersion Version, ModelPackage Package)> ImportAsync(
        string modelName, Stream content, ImportOptions options, long maxBytes, CancellationToken ct)
    {
        GyreException.ThrowIfAny(ModelNames.CheckModelName("name", modelName) is { } problem ? [problem] : []);
        var scratch = Scratch(".model");
        try
        {
            var sha256 = await CopyHashingAsync(content, scratch, maxBytes, ct);
            var modelFile = $"model.{inspector.Flavor}";
            var package = ModelPackages.Build(inspector.Flavor, modelFile, sha256, inspector.Inspect(scratch), options, time.GetUtcNow().ToUnixTimeMilliseconds());
            return (await RecordAsync(modelName, package, scratch, "import", maxBytes, ct), package);
        }
        finally
        {
            File.Delete(scratch);
        }
    }

    /// <summary>
    /// Registers a version from a package archive (<see cref="PackageArchive"/>) made by Gyre or by
    /// hand: the manifest is checked, then the model is loaded by its engine, which checks the
    /// checksum and that the model reads the manifest's inputs, before anything is recorded.
    /// </summary>
    public async Task<(ModelVersion Version, ModelPackage Package)> UploadAsync(string modelName, Stream content, long maxBytes, CancellationToken ct)
    {
        GyreException.ThrowIfAny(ModelNames.CheckModelName("name", modelName) is { } problem ? [problem] : []);
        var archive = Scratch(".zip");
        var model = Scratch(".model");
        try
        {
            await CopyHashingAsync(content, archive, maxBytes, ct);
            var package = await PackageArchive.ExtractAsync(archive, model, maxBytes, ct);
            runtime.Load(package, await File.ReadAllBytesAsync(model, ct)).Dispose();
            return (await RecordAsync(modelName, package, model, "upload", maxBytes, ct), package);
        }
        finally
        {
            File.Delete(archive);
            File.Delete(model);
        }
    }

    /// <summary>
    /// A version's package as an archive that <see cref="UploadAsync"/> accepts on any Gyre server:
    /// a scratch file (zip writing wants a seekable stream; a file keeps a large model out of
    /// memory), open at its start and deleted when closed.
    /// </summary>
    public async Task<Stream> ExportAsync(string modelName, long version, CancellationToken ct)
    {
        var archive = new FileStream(Scratch(".zip"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            await WriteArchiveAsync(modelName, version, archive, ct);
            archive.Position = 0;
            return archive;
        }
        catch
        {
            await archive.DisposeAsync();
            throw;
        }
    }

    private async Task WriteArchiveAsync(string modelName, long version, Stream destination, CancellationToken ct)
    {
        var package = await GetPackageAsync(modelName, version, ct);
        await using var model = await OpenModelAsync(await registry.GetVersionAsync(modelName, version, ct), package, ct);
        await PackageArchive.WriteAsync(destination, package, model, ct);
    }

    /// <summary>
    /// Records a checked package: a run holds the model file and manifest as artifacts, and the
    /// version is registered from it, so that lineage leads from the version to that run.
    /// </summary>
    private async Task<ModelVersion> RecordAsync(string modelName, ModelPackage package, string modelPath, string source, long maxBytes, CancellationToken ct)
    {
        await EnsureModelAsync(modelName, ct);
        var run = await tracking.CreateRunAsync(new NewRun(ExperimentId.Default, $"{source} {modelName}", Tags: [new Tag("gyre.source", source)]), ct);
        var root = RunArtifacts.RootOf(run.ArtifactUri);
        try
        {
            await using (var model = File.OpenRead(modelPath))
            {
                await artifacts.WriteAsync(root, ArtifactPath.Parse($"{PackagePath}/{package.ModelFile}", "path"), model, maxBytes, ct);
            }
            await using (var manifest = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(package, GyreJson.Options)))
            {
                await artifacts.WriteAsync(root, ArtifactPath.Parse($"{PackagePath}/{ModelPackage.ManifestFile}", "path"), manifest, maxBytes, ct);
            }
            var version = await registration.RegisterAsync(modelName, new NewModelVersion(run.RunId, PackagePath), ct);
            await tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Finished, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
            return version;
        }
        catch
        {
            await tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Failed, time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);
            throw;
        }
    }

    private string Scratch(string extension) => scratchSpace.NewFile(extension);

    /// <summary>The package manifest of a registered version; not_found when the version was not made from a package.</summary>
    public async Task<ModelPackage> GetPackageAsync(string modelName, long version, CancellationToken ct)
    {
        var found = await registry.GetVersionAsync(modelName, version, ct);
        if (found.RunId is not { } runId || found.ArtifactPath is not { } path)
        {
            throw GyreException.NotFound($"model '{modelName}' version {version} has no package");
        }
        var run = await tracking.GetRunAsync(runId, ct);
        var manifest = ArtifactPath.Parse(path.Length == 0 ? ModelPackage.ManifestFile : $"{path}/{ModelPackage.ManifestFile}", "path");
        var root = RunArtifacts.RootOf(run.ArtifactUri);
        if (!await artifacts.ExistsAsync(root, manifest, ct))
        {
            throw GyreException.NotFound($"model '{modelName}' version {version} has no package: its artifact '{path}' holds no {ModelPackage.ManifestFile}");
        }
        await using var stream = await artifacts.OpenReadAsync(root, manifest, ct);
        return (await JsonSerializer.DeserializeAsync<ModelPackage>(stream, GyreJson.Options, ct))!;
    }

    /// <summary>The model file of a version's package, as bytes (the loaders check its checksum).</summary>
    public async Task<byte[]> ReadModelAsync(ModelVersion version, ModelPackage package, CancellationToken ct)
    {
        await using var stream = await OpenModelAsync(version, package, ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }

    /// <summary>The model file of a version's package: beside the manifest, in the artifacts of the version's run.</summary>
    private async Task<Stream> OpenModelAsync(ModelVersion version, ModelPackage package, CancellationToken ct)
    {
        var run = await tracking.GetRunAsync(version.RunId ?? throw GyreException.NotFound($"{version.Name}/{version.Version} has no run"), ct);
        var path = string.IsNullOrEmpty(version.ArtifactPath) ? package.ModelFile : $"{version.ArtifactPath}/{package.ModelFile}";
        return await artifacts.OpenReadAsync(RunArtifacts.RootOf(run.ArtifactUri), ArtifactPath.Parse(path, "path"), ct);
    }

    public Task<Run> GetRunAsync(RunId id, CancellationToken ct) => tracking.GetRunAsync(id, ct);

    private async Task EnsureModelAsync(string modelName, CancellationToken ct)
    {
        try
        {
            await registry.CreateModelAsync(modelName, null, [], ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.AlreadyExists)
        {
            // Importing a new version of a model that exists: the usual case.
        }
    }

    private static async Task<string> CopyHashingAsync(Stream content, string path, long maxBytes, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw new GyreException(ErrorCode.PayloadTooLarge, $"body: the model is larger than the limit of {maxBytes} bytes");
            }
            hash.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        if (total == 0)
        {
            throw GyreException.Invalid("body: the model file is empty");
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
