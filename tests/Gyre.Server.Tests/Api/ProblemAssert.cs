using System.Net;

namespace Gyre.Server.Tests.Api;

/// <summary>Asserts that a response is an RFC 9457 problem with the expected status, code and wording.</summary>
internal static class ProblemAssert
{
    public static async Task<string> IsAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? detailContains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = await TestServer.JsonAsync(new HttpResponseMessage { Content = new StringContent(body) });
        Assert.Equal(code, json.GetProperty("code").GetString());
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        var detail = json.GetProperty("detail").GetString()!;
        if (detailContains is not null)
        {
            Assert.Contains(detailContains, detail, StringComparison.Ordinal);
        }
        return detail;
    }
}
