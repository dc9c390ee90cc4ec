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
    public static async Task CheckAsync(TestServer server, IReadOnlyList<(string Path, string Body)> requests, int mutantsPerRequest, int seed)
    {
        var random = new Random(seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        foreach (var (path, body) in requests)
        {
            var valid = await PostAsync(server, path, body);
            Assert.True(valid.IsSuccessStatusCode, $"{path}: the valid request itself got {(int)valid.StatusCode}: {await valid.Content.ReadAsStringAsync()}");
            for (var i = 0; i < mutantsPerRequest; i++)
            {
                var mutant = JsonMutator.Mutate(body, random);
                var response = await PostAsync(server, path, mutant);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                if (await WrongAsync(response) is { } wrong)
                {
                    failures.Add($"POST {path} {JsonMutator.Describe(mutant)} -> {status}: {wrong}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        // The changes reach both sides: some mutants are still valid requests, most are refused.
        Assert.True(statuses.Keys.Any(s => s < 300) && statuses.GetValueOrDefault(400) > requests.Count * mutantsPerRequest / 4,
            string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
    }

    private static async Task<HttpResponseMessage> PostAsync(TestServer server, string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await server.Http.PostAsync(path, content);
    }

    /// <summary>What is wrong with an answer to a mutant, if anything: a 5xx, or a refusal that is not a problem with a detail.</summary>
    private static async Task<string?> WrongAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode >= 500)
        {
            return text;
        }
        if (response.IsSuccessStatusCode)
        {
            return null;
        }
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"a refusal of type {response.Content.Headers.ContentType?.MediaType}: {text}";
        }
        var problem = JsonDocument.Parse(text).RootElement;
        return problem.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } ? null : $"a problem without a detail: {text}";
    }
}
