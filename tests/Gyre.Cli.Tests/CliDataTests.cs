using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliDataTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task DataAdd_OfTheExampleWithAFieldTooManyOnItsLastLine_IsRefusedWithTheLine_OrSkipsIt()
    {
        var example = Path.Combine(AppContext.BaseDirectory, "examples", "churn", "churn.csv");
        var lines = await File.ReadAllLinesAsync(example);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllLinesAsync(file, [.. lines, "c09999,5,20.0,monthly,1,false,EXTRA"]);
        try
        {
            var name = "cli-bad-" + Guid.NewGuid().ToString("N")[..8];
            var refused = await Gyre("data", "add", file, "--name", name);
            Assert.Equal(1, refused.ExitCode);
            var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"Line: {lines.Length + 1}", error, StringComparison.Ordinal);
            Assert.DoesNotContain(name, (await Gyre("data", "list")).Stdout, StringComparison.Ordinal);

            var skipped = JsonDocument.Parse((await Gyre("data", "add", file, "--name", name, "--on-bad-rows", "skip", "--json")).Stdout).RootElement;
            Assert.Equal(lines.Length - 1, skipped.GetProperty("rows").GetInt64());
            Assert.Equal("customer_id", skipped.GetProperty("columns")[0].GetProperty("name").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

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
    public async Task SchemaSplitAndReference_FromTheCommandLine()
    {
        var name = "cli-schema-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateTempSubdirectory("gyre-cli-schema-").FullName;
        try
        {
            var csv = Path.Combine(folder, "churn.csv");
            await File.WriteAllTextAsync(csv, "customer_id,plan,churned\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"c{i},{(i % 3 == 0 ? "pro" : "basic")},{i % 2 == 0}\n")));
            var schema = Path.Combine(folder, "schema.yaml");
            await File.WriteAllTextAsync(schema, "columns:\n  customer_id: {role: id}\n  churned: {role: label}\n  plan: {values: [basic]}\n");

            // The version is recorded, but it does not match: exit 1, the mismatch in a table, one error line.
            var added = await Gyre("data", "add", csv, "--name", name, "--schema", schema);
            Assert.Equal(1, added.ExitCode);
            Assert.Contains("out_of_domain", added.Stdout, StringComparison.Ordinal);
            Assert.Equal($"gyre: error: conflict: {name}@1 does not match the declared schema (1 mismatch(es)); the version is marked failed", added.Stderr.Trim());

            await File.WriteAllTextAsync(schema, "columns:\n  customer_id: {role: id}\n  churned: {role: label}\n  plan: {values: [basic, pro]}\n");
            Assert.Equal(0, (await Gyre("data", "schema", "set", name, schema)).ExitCode);
            var check = await Gyre("data", "check", $"{name}@1", "--json");
            Assert.True(check.ExitCode == 0, check.Stderr);
            Assert.Equal("ready", JsonDocument.Parse(check.Stdout).RootElement.GetProperty("status").GetString());

            // The label and key come from the roles.
            var split = JsonDocument.Parse((await Gyre("data", "split", name, "--method", "stratified", "--test", "0.25", "--seed", "3", "--json")).Stdout).RootElement;
            Assert.Equal("churned", split.GetProperty("spec").GetProperty("label").GetString());
            Assert.Equal([30L, 10L], split.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("rows").GetInt64()));
            var hashed = await Gyre("data", "split", name, "--method", "hash", "--test", "0.5");
            Assert.True(hashed.ExitCode == 0, hashed.Stderr);
            Assert.Contains("hash of customer_id, test 0.5", hashed.Stdout, StringComparison.Ordinal);
            var splits = JsonDocument.Parse((await Gyre("data", "splits", $"{name}@1", "--json")).Stdout).RootElement;
            Assert.Equal(["stratified", "hash"], splits.EnumerateArray().Select(s => s.GetProperty("spec").GetProperty("method").GetString()));
            Assert.Equal(($"{name}.train", 30L), (splits[0].GetProperty("parts")[0].GetProperty("dataset").GetString(), splits[0].GetProperty("parts")[0].GetProperty("rows").GetInt64()));

            var badSplit = await Gyre("data", "split", name, "--method", "stratified", "--test", "0.25", "--label", "nope");
            Assert.Equal(1, badSplit.ExitCode);
            Assert.StartsWith("gyre: error: invalid_argument: label: column 'nope' does not exist", badSplit.Stderr.Trim(), StringComparison.Ordinal);

            var reference = JsonDocument.Parse((await Gyre("data", "reference", name, "--json")).Stdout).RootElement;
            Assert.Equal(["plan", "churned"], reference.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
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

    [Fact]
    public async Task DataDrift_ComparesTwoVersions_ColumnByColumn()
    {
        var name = "cli-drift-" + Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateTempSubdirectory("gyre-cli-drift-").FullName;
        try
        {
            // The reference: amounts around 10, mostly kind a. The current: amounts around 30, mostly kind b.
            var random = new Random(5);
            string Rows(double mean, double shareA) => "amount,kind\n" + string.Concat(Enumerable.Range(0, 300).Select(_ =>
                FormattableString.Invariant($"{mean + (random.NextDouble() * 4):0.000},{(random.NextDouble() < shareA ? "a" : "b")}\n")));
            await File.WriteAllTextAsync(Path.Combine(folder, "reference.csv"), Rows(10, 0.8));
            await File.WriteAllTextAsync(Path.Combine(folder, "current.csv"), Rows(30, 0.2));
            Assert.Equal(0, (await Gyre("data", "add", Path.Combine(folder, "reference.csv"), "--name", name)).ExitCode);
            Assert.Equal(0, (await Gyre("data", "add", Path.Combine(folder, "current.csv"), "--name", name)).ExitCode);

            var table = await Gyre("data", "drift", "--reference", $"{name}@1", "--current", $"{name}@2");
            Assert.True(table.ExitCode == 0, table.Stderr);
            Assert.Contains($"{name}@2 against {name}@1: 2 of 2 columns drifted (100%); data set drift: yes (at 50%)", table.Stdout, StringComparison.Ordinal);

            var json = await Gyre("data", "drift", "--reference", $"{name}@1", "--current", $"{name}@2", "--test", "amount=psi", "--json");
            var columns = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("columns");
            Assert.Equal(("psi", true), (columns[0].GetProperty("test").GetString(), columns[0].GetProperty("drifted").GetBoolean()));
            Assert.Equal("chisquare", columns[1].GetProperty("test").GetString());
            Assert.True(columns[1].GetProperty("p_value").GetDouble() < 1e-6);

            var bad = await Gyre("data", "drift", "--reference", $"{name}@1", "--current", $"{name}@2", "--test", "kind=ks");
            Assert.Equal(1, bad.ExitCode);
            Assert.Equal("gyre: error: invalid_argument: tests.kind: ks compares numbers, and 'kind' is categorical; use chisquare or jensenshannon", bad.Stderr.Trim());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task DataBias_PrintsEachGroupsMetrics_AndAnUnknownColumnIsOneLine()
    {
        var name = "cli-bias-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), name + ".csv");
        // 6 north rows, 4 approved; 4 south rows, 1 approved: DPL of south = 4/6 − 1/4 = 0.4167, CI = (6 − 4)/10 = 0.2.
        await File.WriteAllTextAsync(file, "region,approved\n" + string.Concat(Enumerable.Repeat("north,true\n", 4)) + "north,false\nnorth,false\n"
            + "south,true\n" + string.Concat(Enumerable.Repeat("south,false\n", 3)));
        try
        {
            Assert.Equal(0, (await Gyre("data", "add", file, "--name", name)).ExitCode);
            var table = await Gyre("data", "bias", $"{name}@1", "--sensitive", "region", "--label", "approved");
            Assert.True(table.ExitCode == 0, table.Stderr);
            Assert.Contains($"{name}@1: 10 rows by region, favourable approved = true", table.Stdout, StringComparison.Ordinal);
            var south = table.Stdout.Split('\n').Single(l => l.Contains("│ south ", StringComparison.Ordinal));
            Assert.Contains("│ 0.2 ", south, StringComparison.Ordinal);     // CI
            Assert.Contains("│ 0.4167 ", south, StringComparison.Ordinal);  // DPL
            Assert.Contains("│ 25% ", south, StringComparison.Ordinal);

            var json = JsonDocument.Parse((await Gyre("data", "bias", $"{name}@1", "--sensitive", "region", "--label", "approved", "--facet", "south", "--json")).Stdout).RootElement;
            Assert.Equal(0.2, Assert.Single(json.GetProperty("facets").EnumerateArray()).GetProperty("pretraining").GetProperty("ci").GetDouble(), 12);

            var bad = await Gyre("data", "bias", $"{name}@1", "--sensitive", "gender", "--label", "approved");
            Assert.Equal((1, $"gyre: error: invalid_argument: sensitive: 'gender' is not a column of {name}@1 (its columns: region, approved)"), (bad.ExitCode, bad.Stderr.Trim()));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
