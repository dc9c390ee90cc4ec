using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Auth;
using Gyre.Core.Monitoring.Policies;
using Gyre.Server.Tests.Api;
using Gyre.Server.Tests.Serving;
using Gyre.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// A policy acts with its author's scope: a write token cannot make one start a pipeline that runs
/// programs on the server (admin only), neither when the policy is saved, nor when the pipeline is
/// changed afterwards, nor when the policy fires.
/// </summary>
public sealed class PolicyAuthorityTests : IAsyncLifetime
{
    private const string Command = "steps:\n  - {id: a, uses: command, with: {run: 'true'}}\n";
    private const string Plain = "steps:\n  - {id: a, uses: ingest, with: {dataset: d}}\n";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly string _home = Path.Combine(Path.GetTempPath(), "gyre-policy-authority-" + Guid.NewGuid().ToString("N"));
    private TestServer _server = null!;
    private Gyre.Client.GyreClient _writer = null!;
    private string _writerSecret = null!;
    private string _endpoint = null!;

    public async Task InitializeAsync()
    {
        string admin, writer;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(_home)))
        {
            admin = (await storage.Tokens.CreateTokenAsync("admin", TokenScope.Admin, null, CancellationToken.None)).Secret;
            writer = (await storage.Tokens.CreateTokenAsync("writer", TokenScope.Write, null, CancellationToken.None)).Secret;
        }
        _server = await TestServer.StartAsync(o => o with { RequireAuth = true }, home: _home, time: _time, token: admin);
        _writer = _server.ClientWithToken(writer);
        _writerSecret = writer;
        var model = await ServingModels.ImportBreastCancerAsync(_server);
        _endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
    }

    public async Task DisposeAsync()
    {
        _writer.Dispose();
        await _server.DisposeAsync();
    }

    private static string Policy(string name, string endpoint, string pipeline) =>
        $"name: {name}\nendpoint: {endpoint}\nwhen:\n  - {{no_traffic: 60}}\nthen:\n  - {{run_pipeline: {pipeline}}}\n";

    private async Task<string> SavePipelineAsync(string steps, string? name = null)
    {
        name ??= Unique.Name("pipe");
        await _server.Client.Pipelines.SaveAsync($"name: {name}\n{steps}");
        return name;
    }

    [Fact]
    public async Task WriteToken_CannotSaveAPolicyThatStartsAnAdminPipeline()
    {
        var pipeline = await SavePipelineAsync(Command);
        var name = Unique.Name("sneaky");
        using var http = new HttpClient { BaseAddress = _server.Address };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _writerSecret);
        var response = await http.PostAsJsonAsync("/api/v1/policies", new { yaml = Policy(name, _endpoint, pipeline) });
        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "permission_denied",
            $"then[0].run_pipeline: pipeline '{pipeline}' runs programs or reads files on the server and needs admin; the policy acts with its author's scope, write");
        Assert.Equal(HttpStatusCode.NotFound, (await _server.Http.GetAsync($"/api/v1/policies/{name}")).StatusCode);
    }

    [Fact]
    public async Task APipelineChangedToNeedAdmin_DisablesTheWriteTokensPolicies_WithTheReason()
    {
        var pipeline = await SavePipelineAsync(Plain);
        var name = Unique.Name("policy");
        var saved = await _writer.Policies.ApplyAsync(Policy(name, _endpoint, pipeline));
        Assert.Equal(("writer", TokenScope.Write, (string?)null), (saved.Author, saved.AuthorScope, saved.Disabled));
        var admins = await _server.Client.Policies.ApplyAsync(Policy(Unique.Name("admins"), _endpoint, pipeline));

        await SavePipelineAsync(Command, pipeline);
        var disabled = await _server.Client.Policies.GetAsync(name);
        Assert.Equal($"pipeline '{pipeline}' runs programs or reads files on the server and needs admin; the policy acts with its author's scope, write", disabled.Disabled);
        Assert.Null((await _server.Client.Policies.GetAsync(admins.Name)).Disabled);

        // Disabled, it no longer fires; the admin's policy does, and starts the pipeline.
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(100);
        }
        Assert.Empty((await _server.Client.Policies.FiringsAsync(name)).Items);
        Assert.NotEmpty((await _server.Client.Policies.FiringsAsync(admins.Name)).Items);
    }

    [Fact]
    public async Task APolicyThatFiresBeyondItsAuthorsScope_StartsNothing_AndIsDisabled()
    {
        // A policy stored with a write author for a pipeline that needs admin (as one stored before
        // authors were recorded would be): the check when it fires stops it.
        var pipeline = await SavePipelineAsync(Command);
        var name = Unique.Name("legacy");
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(_home)))
        {
            await storage.Policies.SavePolicyAsync(new StoredPolicy(name, Policy(name, _endpoint, pipeline), 0, null, 0), CancellationToken.None);
        }
        PolicyFiring? firing = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (firing is null && !timeout.IsCancellationRequested)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(50);
            firing = (await _server.Client.Policies.FiringsAsync(name)).Items is [var first, ..] ? first : null;
        }
        var outcome = Assert.Single(firing!.Actions);
        Assert.False(outcome.Ok);
        Assert.Contains("needs admin; the policy acts with its author's scope, write", outcome.Detail, StringComparison.Ordinal);
        Assert.Empty((await _server.Client.Pipelines.ListRunsAsync(pipeline)).Items);
        Assert.Equal(outcome.Detail, (await _server.Client.Policies.GetAsync(name)).Disabled);
    }
}
