using System.Net;
using System.Text.RegularExpressions;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Server.Hosting;
using Gyre.Storage;

namespace Gyre.Server.Tests.Dashboard;

/// <summary>
/// Behind a reverse proxy that ends TLS: the dashboard's sign-in cookie is Secure when a trusted
/// proxy says the request came over HTTPS, and only then; the same header from anyone else is
/// ignored, and a proxy setting that is not an address or a network refuses to start.
/// </summary>
public sealed partial class TrustedProxyTests
{
    [Theory]
    [InlineData("127.0.0.1", "https", true)]
    [InlineData("127.0.0.0/8", "https", true)]
    [InlineData("127.0.0.1", null, false)]
    [InlineData("10.0.0.0/8", "https", false)]
    [InlineData(null, "https", false)]
    public async Task TheSignInCookie_IsSecure_OnlyWhenATrustedProxySaysHttps(string? proxy, string? forwardedProto, bool secure)
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        string token;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            token = (await storage.Tokens.CreateTokenAsync("viewer", TokenScope.Read, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { RequireAuth = true, TrustedProxies = proxy is null ? [] : [proxy] }, home, token: token);
        // Cookies by hand: a cookie container would not send a Secure antiforgery cookie back over plain HTTP.
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.Address };

        using var page = new HttpRequestMessage(HttpMethod.Get, "/login");
        Forward(page, forwardedProto);
        using var form = await http.SendAsync(page);
        var html = await form.Content.ReadAsStringAsync();
        var antiforgery = AntiforgeryField().Match(html).Groups[1].Value;
        var cookies = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]);

        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "login",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery),
                ["Token"] = token,
            }),
        };
        signIn.Headers.Add("Cookie", string.Join("; ", cookies));
        Forward(signIn, forwardedProto);
        using var answer = await http.SendAsync(signIn);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var cookie = answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gyre_token=", StringComparison.Ordinal));
        Assert.Equal(secure, cookie.Split(';').Any(part => part.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task BehindATrustedProxy_TokensAreRequired_EvenOnLoopback()
    {
        var home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N"));
        var refused = await Assert.ThrowsAsync<GyreException>(() => GyreServer.BuildAsync(new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Home = home,
            TrustedProxies = ["127.0.0.1"],
            Quiet = true,
        }));
        Assert.StartsWith("refusing to serve behind a proxy (--trusted-proxy) without an API token", refused.Message, StringComparison.Ordinal);

        string token;
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(home)))
        {
            token = (await storage.Tokens.CreateTokenAsync("viewer", TokenScope.Read, null, CancellationToken.None)).Secret;
        }
        await using var server = await TestServer.StartAsync(o => o with { TrustedProxies = ["127.0.0.1"] }, home);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync("/api/v1/experiments")).StatusCode);
        using var authorized = new HttpRequestMessage(HttpMethod.Get, "/api/v1/experiments");
        authorized.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(authorized)).StatusCode);
    }

    [Fact]
    public async Task AProxyThatIsNotAnAddressOrNetwork_RefusesToStart_NamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<GyreException>(() => GyreServer.BuildAsync(new ServerOptions
        {
            Urls = "http://127.0.0.1:0",
            Home = Path.Combine(Path.GetTempPath(), "gyre-server-test-" + Guid.NewGuid().ToString("N")),
            TrustedProxies = ["proxy.internal"],
            Quiet = true,
        }));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal("--trusted-proxy: 'proxy.internal' is not an IP address (10.0.0.5) or a network with its host bits zero (10.0.0.0/8)", error.Message);
    }

    private static void Forward(HttpRequestMessage request, string? proto)
    {
        if (proto is not null)
        {
            request.Headers.Add("X-Forwarded-Proto", proto);
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
