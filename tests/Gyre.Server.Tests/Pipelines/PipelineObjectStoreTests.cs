using Gyre.Core.Pipelines.Runs;
using Gyre.Storage;
using Gyre.Tests.Shared;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>
/// A pipeline on a server whose files are in an object store: a step's log and a command step's
/// output are kept in the store, so a server without the local copies (another machine, or this
/// one after its disk was cleaned) still reads the log, and reuses the cached step by putting its
/// output back rather than running the command again.
/// </summary>
public sealed class PipelineObjectStoreTests
{
    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task LogsAndCommandOutputs_AreKeptInTheStore_AndPutBackForACachedStep(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        await using var server = await TestServer.StartAsync(o => o with { Artifacts = new ArtifactStoreOptions(url) });
        using var work = PipelineWorkspace.Create(server);
        work.Write("make.sh", "echo making; printf 'weights %s\\n' \"$(date +%N)\" > \"$GYRE_OUTPUT_MODEL\"; echo made >> runs.txt\n");
        await work.SaveAsync("""
            name: kept
            steps:
              - {id: make, uses: command, with: {run: [sh, make.sh], inputs: [make.sh], outputs: {model: out/model.bin}}}
            """);

        var first = await work.RunAsync("kept");
        Assert.True(first.State == RunStates.Succeeded, first.Error);
        var made = await File.ReadAllTextAsync(work.PathOf("out/model.bin"));
        Assert.StartsWith("weights ", made, StringComparison.Ordinal);

        // The server's local copies go: the log is read from the store, and the output is put back from it.
        Directory.Delete(Path.Combine(server.Home, "pipeline-logs"), recursive: true);
        File.Delete(work.PathOf("out/model.bin"));
        Assert.Contains("making", await server.Client.Pipelines.GetLogsAsync(first.Id, "make"), StringComparison.Ordinal);

        var again = await work.RunAsync("kept");
        Assert.Equal(StepStates.Cached, again.Step("make").State);
        Assert.Equal(made, await File.ReadAllTextAsync(work.PathOf("out/model.bin")));
        Assert.Equal(["made"], await File.ReadAllLinesAsync(work.PathOf("runs.txt")));

        // An output changed in its folder is put back too.
        await File.WriteAllTextAsync(work.PathOf("out/model.bin"), "tampered");
        Assert.Equal(StepStates.Cached, (await work.RunAsync("kept")).Step("make").State);
        Assert.Equal(made, await File.ReadAllTextAsync(work.PathOf("out/model.bin")));
    }
}
