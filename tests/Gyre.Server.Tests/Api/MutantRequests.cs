using System.Net;
using System.Text;
using System.Text.Json;

namespace Gyre.Server.Tests.Api;

/// <summary>
/// Sends valid requests, then many of each changed at random (<see cref="JsonMutator"/>, seeded),
/// and checks that every answer is a success or a 4xx problem with a detail: no input can produce
/// a 500 or an error that does not say what was wrong.
/// </summary>
internal static class MutantRequests
{
    /// <summary>
    /// Larger mutants are not sent: the server refuses a body over its limit before reading it, and
    /// the client, still sending, sees a broken pipe instead of the 413 (which its own tests check).
    /// </summary>
    private const int MaxBodyBytes = 1 << 20;

    public static Task CheckAsync(TestServer server, IReadOnlyList<(string Path, string Body)> requests, int mutantsPerRequest, int seed) =>
        // The changes reach both sides: some mutants are still valid requests, most are refused.
        RunAsync(requests, mutantsPerRequest, seed, leastRefused: (requests.Count * mutantsPerRequest / 4) + 1,
            (request, random) => request with { Body = JsonMutator.Mutate(request.Body, random) },
            request => Encoding.UTF8.GetByteCount(request.Body) <= MaxBodyBytes,
            request => SendAsync(server, request.Path, request.Body),
            request => $"{(request.Path.StartsWith("PUT ", StringComparison.Ordinal) ? "" : "POST ")}{request.Path} {JsonMutator.Describe(request.Body)}");

    /// <summary>The same for GET requests, their query strings changed at random (<see cref="QueryMutator"/>).</summary>
    public static Task CheckQueriesAsync(TestServer server, IReadOnlyList<string> requests, int mutantsPerRequest, int seed) =>
        RunAsync(requests, mutantsPerRequest, seed, leastRefused: 1,
            (pathAndQuery, random) => QueryMutator.Mutate(pathAndQuery, random),
            _ => true,
            pathAndQuery => server.Http.GetAsync(pathAndQuery),
            pathAndQuery => $"GET {JsonMutator.Describe(pathAndQuery)}");

    /// <summary>Sends each valid request, then its mutants (those <paramref name="sendable"/> allows), and checks every answer.</summary>
    private static async Task RunAsync<T>(IReadOnlyList<T> requests, int mutantsPerRequest, int seed, int leastRefused,
        Func<T, Random, T> mutate, Func<T, bool> sendable, Func<T, Task<HttpResponseMessage>> send, Func<T, string> describe)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        foreach (var request in requests)
        {
            var valid = await send(request);
            Assert.True(valid.IsSuccessStatusCode, $"{describe(request)}: the valid request itself got {(int)valid.StatusCode}: {await valid.Content.ReadAsStringAsync()}");
            for (var i = 0; i < mutantsPerRequest; i++)
            {
                var mutant = mutate(request, random);
                if (!sendable(mutant))
                {
                    continue;
                }
                var response = await send(mutant);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (await WrongAsync(response) is { } wrong)
                {
                    failures.Add($"{describe(mutant)} -> {status}: {wrong}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(statuses.Keys.Any(s => s < 300) && statuses.GetValueOrDefault(400) >= leastRefused, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }

    /// <summary>A POST, or a PUT when the path says so (<c>"PUT /api/v1/..."</c>).</summary>
    private static async Task<HttpResponseMessage> SendAsync(TestServer server, string path, string body)
    {
        using var content = new ByteArrayContent(JsonMutator.Encode(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return path.StartsWith("PUT ", StringComparison.Ordinal) ? await server.Http.PutAsync(path[4..], content) : await server.Http.PostAsync(path, content);
    }

    /// <summary>
    /// What is wrong with an answer to a mutant, if anything: a 5xx, or a refusal that is not a problem
    /// with a detail (or, on the Open Inference Protocol's routes, not its <c>{"error"}</c> with a message).
    /// </summary>
    private static async Task<string?> WrongAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 500)
        {
            return text;
        }
        if (response.IsSuccessStatusCode || response.StatusCode is HttpStatusCode.RequestUriTooLong or HttpStatusCode.RequestHeaderFieldsTooLarge)
        {
            return null; // the last two are Kestrel's own, before any middleware: a request line or headers over its limits
        }
        if (response.RequestMessage?.RequestUri?.AbsolutePath.StartsWith("/v2/", StringComparison.Ordinal) == true)
        {
            var error = response.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(text).RootElement : default;
            return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error", out var message) && message.GetString() is { Length: > 0 }
                ? null : $"a protocol refusal without {{\"error\": message}}: {text}";
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"a refusal of type {response.Content.Headers.ContentType?.MediaType}: {text}";
        }
        var problem = JsonDocument.Parse(text).RootElement;
        return problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } ? null : $"a problem without a detail: {text}";
    }
}
