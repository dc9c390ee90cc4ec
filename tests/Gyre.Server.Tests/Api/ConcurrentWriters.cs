using System.Text;

namespace Gyre.Server.Tests.Api;

/// <summary>Writers that log metrics to one run at the same time, collecting every failed answer.</summary>
internal static class ConcurrentWriters
{
    /// <summary>
    /// Writer <c>w</c> logs key <c>w{w}</c> with steps 0 .. batches × batchSize - 1, in batches, through
    /// <c>clients[w % clients.Length]</c>. Returns the failures (status and body), empty when all succeeded.
    /// </summary>
    public static async Task<List<string>> RunAsync(HttpClient[] clients, string runId, int writers, int batches, int batchSize)
    {
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            var http = clients[writer % clients.Length];
            for (var batch = 0; batch < batches; batch++)
            {
                var points = string.Join(',', Enumerable.Range(batch * batchSize, batchSize).Select(step => $"{{\"key\":\"w{writer}\",\"value\":{step},\"step\":{step}}}"));
                var response = await http.PostAsync($"/api/v1/runs/{runId}/log-batch", new StringContent($"{{\"metrics\":[{points}]}}", Encoding.UTF8, "application/json"));
                if (!response.IsSuccessStatusCode)
                {
                    var failure = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(failure);
                    }
                }
            }
        })));
        return failures;
    }
}
