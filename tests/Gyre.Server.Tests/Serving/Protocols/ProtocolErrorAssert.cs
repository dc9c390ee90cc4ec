using System.Net;
using System.Text.Json;

namespace Gyre.Server.Tests.Serving.Protocols;

/// <summary>Asserts the error shapes of the protocols Gyre speaks but did not define.</summary>
internal static class ProtocolErrorAssert
{
    /// <summary>The Open Inference Protocol's and KServe V1's <c>{"error": message}</c>, as <c>application/json</c>; returns the message.</summary>
    public static async Task<string> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? contains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        var message = root.GetProperty("error").GetString()!;
        if (contains is not null)
        {
            Assert.Contains(contains, message, StringComparison.Ordinal);
        }
        return message;
    }

    /// <summary>MLflow's <c>{"error_code", "message"}</c>; returns the message.</summary>
    public static async Task<string> IsMlflowErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode, string? contains = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(errorCode, root.GetProperty("error_code").GetString());
        var message = root.GetProperty("message").GetString()!;
        if (contains is not null)
        {
            Assert.Contains(contains, message, StringComparison.Ordinal);
        }
        return message;
    }
}
