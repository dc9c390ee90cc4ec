using Gyre.Core.Monitoring.Policies;
using Gyre.Server.Hosting;
using Gyre.Server.Tests.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Server.Tests.Security;

/// <summary>
/// Policies' webhooks go out from their own queue and workers, with timeouts on the server's clock
/// (moved by the test), and only to destinations that are neither loopback, private nor link-local
/// unless the server allows them.
/// </summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly List<WebhookListener> _listeners = [];
    private readonly List<TestServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
        _listeners.ForEach(l => l.Dispose());
    }

    private WebhookListener Listen(string? answer)
    {
        var listener = new WebhookListener(answer);
        _listeners.Add(listener);
        return listener;
    }

    private async Task<(TestServer Server, string Endpoint)> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var server = await TestServer.StartAsync(configure, time: _time);
        _servers.Add(server);
        var model = await ServingModels.ImportBreastCancerAsync(server);
        return (server, await ServingModels.CreateEndpointAsync(server, model + "/1"));
    }

    /// <summary>A policy that fires at the monitor's next tick (the endpoint has had no traffic) and calls the webhooks.</summary>
    private static async Task<string> ApplyAsync(TestServer server, string endpoint, string[] hooks, int retries = 0)
    {
        var name = Unique.Name("hook");
        var then = string.Join("\n", hooks.Select(h => $"  - {{webhook: \"{h}\", retries: {retries}}}"));
        await server.Client.Policies.ApplyAsync($"name: {name}\nendpoint: {endpoint}\nwhen:\n  - {{no_traffic: 60}}\nthen:\n{then}\n");
        return name;
    }

    /// <summary>
    /// Moves the clock a monitor tick at a time until the policy fires, then, with the clock left
    /// alone (so no attempt times out meanwhile), waits until <paramref name="done"/> holds for its firing.
    /// </summary>
    private async Task<PolicyFiring> UntilAsync(TestServer server, string policy, Func<PolicyFiring, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var firings = (await server.Client.Policies.FiringsAsync(policy)).Items;
            if (firings.Count > 0 && done(firings[0]))
            {
                return firings[0];
            }
            Assert.False(timeout.IsCancellationRequested, $"policy {policy}: {(firings.Count == 0 ? "never fired" : string.Join("; ", firings[0].Actions.Select(a => a.Detail)))}");
            if (firings.Count == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(5));
            }
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task LoopbackPrivateAndMetadataDestinations_AreRefused_WithoutAConnection()
    {
        var (server, endpoint) = await StartAsync();
        var listener = Listen("HTTP/1.1 204 No Content");
        string[] hooks =
        [
            $"http://127.0.0.1:{listener.Port}/hook", $"http://localhost:{listener.Port}/hook", $"http://[::1]:{listener.Port}/hook",
            $"http://2130706433:{listener.Port}/hook", "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/hook", "http://[fe80::1]/hook",
        ];
        var policy = await ApplyAsync(server, endpoint, hooks);
        var firing = await UntilAsync(server, policy, f => f.Actions.All(a => !a.Pending));
        Assert.All(firing.Actions, a =>
        {
            Assert.False(a.Ok);
            Assert.Equal("refused: the destination is a loopback, private or link-local address (allow it with --webhook-allow) (1 attempt)", a.Detail);
        });
        Assert.Equal(0, listener.Connections);
    }

    [Fact]
    public async Task AllowedDestination_IsDelivered_ButARedirectIsNotFollowed()
    {
        var target = Listen("HTTP/1.1 204 No Content");
        var redirecting = Listen($"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target.Port}/inside");
        var (server, endpoint) = await StartAsync(o => o with { Webhooks = new() { Allow = ["localhost"] } });
        var policy = await ApplyAsync(server, endpoint, [$"http://localhost:{target.Port}/hook", $"http://localhost:{redirecting.Port}/hook"]);
        var firing = await UntilAsync(server, policy, f => f.Actions.All(a => !a.Pending));
        Assert.Equal((true, "HTTP 204 (1 attempt)"), (firing.Actions[0].Ok, firing.Actions[0].Detail));
        Assert.Equal((false, "HTTP 302: redirects are not followed (1 attempt)"), (firing.Actions[1].Ok, firing.Actions[1].Detail));
        Assert.Equal(1, target.Connections);
    }

    [Fact]
    public async Task AHangingWebhook_HoldsUpNoOtherPolicy_AndGivesUpAtItsDeadline()
    {
        var (server, endpoint) = await StartAsync(o => o with { Webhooks = new() { Allow = ["127.0.0.1"] } });
        var hanging = Listen(null);
        var good = Listen("HTTP/1.1 200 OK");
        var stuck = await ApplyAsync(server, endpoint, [$"http://127.0.0.1:{hanging.Port}/hook"], retries: 10);
        await UntilAsync(server, stuck, _ => hanging.Connections >= 1);

        // The hanging call is in flight; another policy still fires at the next tick and is delivered.
        var other = await ApplyAsync(server, endpoint, [$"http://127.0.0.1:{good.Port}/hook"]);
        var delivered = await UntilAsync(server, other, f => !f.Actions[0].Pending);
        Assert.Equal((true, "HTTP 200 (1 attempt)"), (delivered.Actions[0].Ok, delivered.Actions[0].Detail));
        Assert.True((await server.Client.Policies.FiringsAsync(stuck)).Items.Single().Actions[0].Pending);

        // Past the delivery's deadline (60 s by default) the hanging webhook is given up, whatever its retries.
        _time.Advance(TimeSpan.FromSeconds(61));
        var given = await UntilAsync(server, stuck, f => !f.Actions[0].Pending);
        Assert.False(given.Actions[0].Ok);
        Assert.StartsWith("gave up at the 60 s deadline", given.Actions[0].Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", given.Actions[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAllowlistEntryThatIsNoDestination_StopsTheStart()
    {
        var error = await Assert.ThrowsAsync<Core.Errors.GyreException>(() =>
            TestServer.StartAsync(o => o with { Webhooks = new() { Allow = ["10.0.0.0/99", "not a host"] } }));
        Assert.Contains("webhook_allow: '10.0.0.0/99' is not an address", error.Message, StringComparison.Ordinal);
        Assert.Contains("webhook_allow: 'not a host' is not an address", error.Message, StringComparison.Ordinal);
    }
}
