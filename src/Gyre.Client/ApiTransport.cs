using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Client;

/// <summary>Sends requests and turns problem-details answers into <see cref="GyreApiException"/>.</summary>
internal sealed class ApiTransport(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<T> PatchAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Patch, path, body, ct);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    public async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await Http.SendAsync(Request(method, path, body), ct);
        await EnsureSuccessAsync(response, ct);
    }

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await Http.SendAsync(Request(method, path, body), ct);
        await EnsureSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync<T>(GyreJson.Options, ct))!;
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        var response = await Http.SendAsync(request, completion, ct);
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                await EnsureSuccessAsync(response, ct);
            }
        }
        return response;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body) => new(method, path)
    {
        Content = body is null ? null : JsonContent.Create(body, body.GetType(), new MediaTypeHeaderValue("application/json"), GyreJson.Options),
    };

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var code = ErrorCodes.FromWireName(root.TryGetProperty("code", out var c) ? c.GetString() : null) ?? Fallback(response.StatusCode);
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : null;
            throw new GyreApiException(code, status, detail ?? $"HTTP {status}", errors);
        }
        catch (JsonException)
        {
            throw new GyreApiException(Fallback(response.StatusCode), status, $"HTTP {status} {response.ReasonPhrase}: {Truncate(text)}");
        }
    }

    private static ErrorCode Fallback(HttpStatusCode status) => (int)status switch
    {
        400 => ErrorCode.InvalidArgument,
        401 => ErrorCode.Unauthenticated,
        403 => ErrorCode.PermissionDenied,
        404 => ErrorCode.NotFound,
        409 => ErrorCode.Conflict,
        413 => ErrorCode.PayloadTooLarge,
        503 => ErrorCode.Unavailable,
        _ => ErrorCode.Internal,
    };

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
