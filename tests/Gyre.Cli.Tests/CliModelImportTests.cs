using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliModelImportTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task ModelsImport_RegistersTheOnnxFile_AndPackageShowsItsSignature()
    {
        var name = "cli-wine-" + Guid.NewGuid().ToString("N")[..8];
        var imported = await Gyre("models", "import", Path.Combine(Onnx, "wine_mlp.onnx"), "--name", name, "--task", "multiclass", "--classes", "a,b,c", "--json");
        Assert.True(imported.ExitCode == 0, imported.Stderr);
        Assert.Equal(1, JsonDocument.Parse(imported.Stdout).RootElement.GetProperty("version").GetInt64());

        var package = JsonDocument.Parse((await Gyre("models", "package", $"{name}/1", "--json")).Stdout).RootElement;
        Assert.Equal(["a", "b", "c"], package.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("probabilities", package.GetProperty("output_meaning").GetString());
        var shown = await Gyre("models", "package", $"{name}/1");
        Assert.Contains("features FP32 [-1, 13]", shown.Stdout, StringComparison.Ordinal);

        var bad = await Gyre("models", "import", Path.Combine(Onnx, "wine_mlp.onnx"), "--name", name, "--task", "regression");
        Assert.Equal(1, bad.ExitCode);
        Assert.StartsWith("gyre: error: invalid_argument: output_meaning: a regression's output is one value per row", bad.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsDownloadThenUpload_MovesAPackageBetweenModels()
    {
        var name = "cli-diab-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await Gyre("models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", name, "--task", "regression")).ExitCode);
        var folder = Directory.CreateTempSubdirectory("gyre-cli-package-").FullName;
        try
        {
            var archive = Path.Combine(folder, "diabetes.zip");
            var downloaded = await Gyre("models", "download", $"{name}/1", "--output", archive);
            Assert.True(downloaded.ExitCode == 0, downloaded.Stderr);
            Assert.StartsWith($"Wrote {name}/1 to {archive}", downloaded.Stdout, StringComparison.Ordinal);

            // An existing file is never overwritten.
            var again = await Gyre("models", "download", $"{name}/1", "--output", archive);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("--output: ", again.Stderr, StringComparison.Ordinal);

            var uploaded = await Gyre("models", "upload", archive, "--name", name + "-copy", "--json");
            Assert.True(uploaded.ExitCode == 0, uploaded.Stderr);
            Assert.Equal(1, JsonDocument.Parse(uploaded.Stdout).RootElement.GetProperty("version").GetInt64());
            var original = JsonDocument.Parse((await Gyre("models", "package", $"{name}/1", "--json")).Stdout).RootElement.GetProperty("sha256").GetString();
            var copy = JsonDocument.Parse((await Gyre("models", "package", $"{name}-copy/1", "--json")).Stdout).RootElement.GetProperty("sha256").GetString();
            Assert.Equal(original, copy);

            var onnxAsPackage = await Gyre("models", "upload", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", name);
            Assert.Equal(1, onnxAsPackage.ExitCode);
            Assert.StartsWith("gyre: error: invalid_argument: body: not a zip archive", onnxAsPackage.Stderr.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
