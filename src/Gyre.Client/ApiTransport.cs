using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Client;

/// <summary>
/// Sends requests (with the token, per request, so a caller's own HttpClient is never changed)
/// and turns problem-details answers into <see cref="GyreApiException"/>. JSON calls time out
/// after <paramref name="timeout"/>; artifact streams are bounded only by their cancellation token.
/// </summary>
internal sealed class ApiTransport(HttpClient http, AuthenticationHeaderValue? authorization, TimeSpan timeout)
{
    public HttpClient Http { get; } = http;

    public Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    public Task<T> PatchAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Patch, path, body, ct);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken ct) => SendAsync<T>(HttpMethod.Put, path, body, ct);

    public async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var timeoutSource = Timeout(ct);
        using var response = await Http.SendAsync(Request(method, path, body), timeoutSource.Token);
        await EnsureSuccessAsync(response, timeoutSource.Token);
    }

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct, bool bounded = true)
    {
        using var timeoutSource = bounded ? Timeout(ct) : CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var response = await Http.SendAsync(Request(method, path, body), timeoutSource.Token);
        await EnsureSuccessAsync(response, timeoutSource.Token);
        return (await response.Content.ReadFromJsonAsync<T>(GyreJson.Options, timeoutSource.Token))!;
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        request.Headers.Authorization = authorization;
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

    private CancellationTokenSource Timeout(CancellationToken ct)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(ct);
        source.CancelAfter(timeout);
        return source;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path)
        {
            Content = body is not null ? JsonContent.Create(body, body.GetType(), new MediaTypeHeaderValue("application/json"), GyreJson.Options)
                : method == HttpMethod.Post ? EmptyJson() : null,
        };
        request.Headers.Authorization = authorization;
        return request;
    }

    /// <summary>
    /// An empty body that still says it is JSON: the server refuses a POST without a type that browsers
    /// cannot send cross-site, so that no web page can make a browser act on a local server.
    /// </summary>
    private static ByteArrayContent EmptyJson()
    {
        var content = new ByteArrayContent([]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

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
            var code = ErrorCodes.FromWireName(root.TryGetProperty("code", out var c) ? c.GetString() : null) ?? ErrorCodes.FromHttpStatus(status);
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
                : null;
            throw new GyreApiException(code, status, detail ?? $"HTTP {status}", errors);
        }
        catch (JsonException)
        {
            throw new GyreApiException(ErrorCodes.FromHttpStatus(status), status, $"HTTP {status} {response.ReasonPhrase}: {Truncate(text)}");
        }
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
