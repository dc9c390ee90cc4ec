using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliDataTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task DataAdd_IsContentAddressed_AndShowReadsTheSchema()
    {
        var name = "cli-data-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(file, "id,amount,kind\n1,9.5,a\n2,3.25,b\n3,,a\n");
        try
        {
            var first = await Gyre("data", "add", file, "--name", name, "--json");
            Assert.True(first.ExitCode == 0, first.Stderr);
            var version = JsonDocument.Parse(first.Stdout).RootElement;
            Assert.Equal((1, 3), (version.GetProperty("version").GetInt64(), version.GetProperty("rows").GetInt64()));
            Assert.Equal(file, version.GetProperty("source").GetString());

            var again = JsonDocument.Parse((await Gyre("data", "add", file, "--name", name, "--json")).Stdout).RootElement;
            Assert.Equal(version.GetProperty("digest").GetString(), again.GetProperty("digest").GetString());
            Assert.Equal(1, again.GetProperty("version").GetInt64());

            var shown = await Gyre("data", "show", $"{name}@latest");
            Assert.Equal(0, shown.ExitCode);
            Assert.Contains("amount: float?", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains("kind: categorical", shown.Stdout, StringComparison.Ordinal);

            var profile = JsonDocument.Parse((await Gyre("data", "profile", $"{name}@1", "--json")).Stdout).RootElement;
            var amount = profile.GetProperty("columns")[1];
            Assert.Equal(("amount", 2, 1), (amount.GetProperty("name").GetString(), amount.GetProperty("count").GetInt64(), amount.GetProperty("missing").GetInt64()));
            Assert.Equal(6.375, amount.GetProperty("mean").GetDouble());

            var suite = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
            await File.WriteAllTextAsync(suite, "{\"constraints\": [{\"type\": \"is_non_negative\", \"column\": \"amount\"}, {\"type\": \"is_complete\", \"column\": \"amount\"}]}");
            var validation = await Gyre("data", "validate", $"{name}@1", "--suite", suite);
            File.Delete(suite);
            Assert.Equal(1, validation.ExitCode);
            Assert.Contains("is_complete", validation.Stdout, StringComparison.Ordinal);
            Assert.Equal($"gyre: error: conflict: validation failed: 1 error constraint(s) failed; {name}@1 is marked failed", validation.Stderr.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task DataAdd_OfAnUnknownExtension_FailsWithOneLine()
    {
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".xlsx");
        await File.WriteAllTextAsync(file, "x");
        try
        {
            var result = await Gyre("data", "add", file, "--name", "sheet");
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("gyre: error: invalid_argument: file: cannot tell the format from the extension '.xlsx': expected .csv or .parquet, or give --format",
                result.Stderr.Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
