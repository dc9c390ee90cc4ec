using System.Net;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;

namespace Gyre.Server.Tests.Api;

public sealed class DatasetSchemasApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Churn = SmallChurn.Csv;

    private HttpClient Http => fixture.Server.Http;

    private Task<HttpResponseMessage> PutSchemaAsync(string name, string text, string mediaType = "application/yaml") =>
        Http.PutAsync($"/api/v1/datasets/{name}/schema", new StringContent(text, Encoding.UTF8, mediaType));

    private async Task<DatasetVersion> AddAsync(string name, string csv)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await fixture.Server.Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
    }

    [Fact]
    public async Task YamlSchema_GivesRolesAndDeclaredTypesToTheNextVersion()
    {
        var name = Unique.Name("schema");
        var put = await PutSchemaAsync(name, """
            columns:
              customer_id: {role: id}
              churned: {role: label}
              signup: {role: timestamp}
              tenure: {type: float}
              contract: {type: categorical, values: [monthly, yearly, two_year]}
            """);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var version = await AddAsync(name, Churn);
        Assert.Equal("ready", version.Status);
        Assert.Null(version.SchemaMismatches);
        Assert.Equal(
            [("customer_id", ColumnType.Categorical, ColumnRole.Id), ("tenure", ColumnType.Float, ColumnRole.Feature),
             ("monthly_charges", ColumnType.Float, ColumnRole.Feature), ("contract", ColumnType.Categorical, ColumnRole.Feature),
             ("churned", ColumnType.Boolean, ColumnRole.Label), ("signup", ColumnType.Datetime, ColumnRole.Timestamp)],
            version.Columns.Select(c => (c.Name, c.Type, c.Role)));
        var schema = await fixture.Server.Client.Datasets.GetSchemaAsync(name);
        Assert.Equal(["customer_id", "churned", "signup", "tenure", "contract"], schema.Columns.Keys);
        Assert.Equal(["monthly", "yearly", "two_year"], schema.Columns["contract"].Values!);
    }

    [Fact]
    public async Task VersionThatNoLongerMatches_IsReportedColumnByColumn_AndFailed()
    {
        var name = Unique.Name("drifted");
        Assert.Equal(HttpStatusCode.OK, (await PutSchemaAsync(name, """
            columns:
              customer_id: {role: id}
              tenure: {type: datetime}
              monthly_charges: {nullable: false}
              contract: {values: [monthly, yearly]}
              churned: {role: label}
              region: {type: categorical}
              signup: {role: timestamp}
            allow_extra_columns: false
            """)).StatusCode);
        var version = await AddAsync(name, Churn.Replace("signup", "signed_up", StringComparison.Ordinal).Replace(",churned,", ",churned_flag,", StringComparison.Ordinal));

        Assert.Equal("failed", version.Status);
        Assert.Equal(
            [("tenure", SchemaMismatchKinds.WrongType, "datetime", "integer"),
             ("monthly_charges", SchemaMismatchKinds.MissingValues, "no missing values", "1 missing"),
             ("contract", SchemaMismatchKinds.OutOfDomain, "one of monthly, yearly", "1 other values, e.g. two_year"),
             ("churned_flag", SchemaMismatchKinds.UnexpectedColumn, "only the declared columns", "a boolean column the schema does not declare"),
             ("signed_up", SchemaMismatchKinds.UnexpectedColumn, "only the declared columns", "a datetime column the schema does not declare"),
             ("churned", SchemaMismatchKinds.MissingColumn, "a column 'churned' (role label)", "no such column"),
             ("region", SchemaMismatchKinds.MissingColumn, "a column 'region'", "no such column"),
             ("signup", SchemaMismatchKinds.MissingColumn, "a column 'signup' (role timestamp)", "no such column")],
            version.SchemaMismatches!.Select(m => (m.Column, m.Kind, m.Expected, m.Found)));
        // Stored, and read back the same way.
        Assert.Equal(8, (await fixture.Server.Client.Datasets.GetVersionAsync(name, version.Version)).SchemaMismatches!.Count);
    }

    [Fact]
    public async Task SchemaCheck_AfterTheSchemaIsFixed_RecordsTheVersionAsReady()
    {
        var name = Unique.Name("recheck");
        await PutSchemaAsync(name, "columns:\n  contract: {values: [monthly, yearly]}\n");
        var failed = await AddAsync(name, Churn);
        Assert.Equal("failed", failed.Status);
        var split = await Http.PostAsync($"/api/v1/datasets/{name}/versions/1/splits",
            new StringContent("""{"method": "random", "test_fraction": 0.5}""", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsAsync(split, HttpStatusCode.Conflict, "conflict", "a failed version cannot be split");

        await PutSchemaAsync(name, """{"columns": {"contract": {"values": ["monthly", "yearly", "two_year"]}, "churned": {"role": "label"}}}""", "application/json");
        var rechecked = await fixture.Server.Client.Datasets.CheckSchemaAsync(name, 1);
        Assert.Equal("ready", rechecked.Status);
        Assert.Null(rechecked.SchemaMismatches);
        Assert.Equal(ColumnRole.Label, rechecked.Columns.Single(c => c.Name == "churned").Role);

        // With the schema gone, a check clears the roles (and a failed version would be ready again).
        await fixture.Server.Client.Datasets.DeleteSchemaAsync(name);
        var cleared = await fixture.Server.Client.Datasets.CheckSchemaAsync(name, 1);
        Assert.All(cleared.Columns, c => Assert.Equal(ColumnRole.Feature, c.Role));
    }

    [Fact]
    public async Task BadSchemaFile_NamesEveryProblemWithItsLine()
    {
        var response = await PutSchemaAsync(Unique.Name("bad"), """
            columns:
              a: {type: int}
              b: {role: label, colour: red}
              c: {role: label, values: [x, x]}
            extra: 1
            """);
        var detail = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("line 2: columns.a.type: expected one of integer, float, boolean, categorical, text, datetime, got 'int'", detail, StringComparison.Ordinal);
        Assert.Contains("line 3: columns.b: 'colour' is not a column field", detail, StringComparison.Ordinal);
        Assert.Contains("line 5: 'extra' is not a schema field", detail, StringComparison.Ordinal);

        var rules = await PutSchemaAsync(Unique.Name("rules"), "columns:\n  b: {role: label}\n  c: {role: label, type: float, values: [x, x]}\n");
        var ruleDetail = await ProblemAssert.IsAsync(rules, HttpStatusCode.BadRequest, "invalid_argument");
        Assert.Contains("columns.c.values: 'x' appears more than once", ruleDetail, StringComparison.Ordinal);
        Assert.Contains("columns.c.values: a domain of values needs a discrete type", ruleDetail, StringComparison.Ordinal);
        Assert.Contains("at most one column may have the role label, found b, c", ruleDetail, StringComparison.Ordinal);

        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("deep"), "columns: " + new string('[', 100_000)),
            HttpStatusCode.BadRequest, "invalid_argument", "nested more than 32 levels deep");
        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("alias"), "columns:\n  a: &x {role: id}\n  b: *x\n"),
            HttpStatusCode.BadRequest, "invalid_argument", "schema: line 3: aliases (*x) are not allowed");
        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("json"), """{"columns": {"a": {"rol": "id"}}}""", "application/json"),
            HttpStatusCode.BadRequest, "invalid_argument", "$.columns.a.rol: invalid JSON");
        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("syntax"), "columns: [a, {"), HttpStatusCode.BadRequest, "invalid_argument", "schema: line 2: While parsing a node");
        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("type"), "columns: {}", "text/plain"), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "application/yaml");
        await ProblemAssert.IsAsync(await PutSchemaAsync(Unique.Name("empty"), "columns: {}"), HttpStatusCode.BadRequest, "invalid_argument", "columns: expected at least one column");
    }

    [Fact]
    public async Task MissingSchema_Is404_AndDeleteRemovesIt()
    {
        var name = Unique.Name("none");
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/datasets/{name}/schema"), HttpStatusCode.NotFound, "not_found", "has no declared schema");
        await PutSchemaAsync(name, "columns:\n  a: {role: id}\n");
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync($"/api/v1/datasets/{name}/schema")).StatusCode);
        await ProblemAssert.IsAsync(await Http.DeleteAsync($"/api/v1/datasets/{name}/schema"), HttpStatusCode.NotFound, "not_found");
        // A dataset created by its schema alone lists with no versions.
        Assert.Contains((await fixture.Server.Client.Datasets.ListAsync()).Items, d => d.Name == name && d.LatestVersion is null);
    }
}
