using System.Globalization;
using System.Text;
using Gyre.Core.Pipelines;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Server.Tests.Pipelines;

/// <summary>A folder with a pipeline's files (data, suite, scripts), and helpers to save and run pipelines on a test server.</summary>
internal sealed class PipelineWorkspace : IDisposable
{
    private PipelineWorkspace(TestServer server)
    {
        Server = server;
        Directory = System.IO.Directory.CreateTempSubdirectory("gyre-pipeline-test-").FullName;
    }

    public TestServer Server { get; }

    public string Directory { get; }

    public static PipelineWorkspace Create(TestServer server) => new(server);

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void Write(string name, string text) => File.WriteAllText(PathOf(name), text);

    /// <summary>A churn table: churned follows tenure, contract and support calls, with noise; rows numbered from <paramref name="first"/>.</summary>
    public void WriteChurn(string name, int rows, int seed = 1, int first = 0)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("customer_id,tenure,contract,support_calls,churned\n");
        for (var i = first; i < first + rows; i++)
        {
            var tenure = random.Next(72);
            var contract = random.Next(3) switch { 0 => "monthly", 1 => "yearly", _ => "two_year" };
            var calls = random.Next(6);
            var score = (contract == "monthly" ? 1.5 : -1) - tenure / 20.0 + calls * 0.6 + (random.NextDouble() - 0.5) * 1.5;
            csv.Append(CultureInfo.InvariantCulture, $"c{i:D6},{tenure},{contract},{calls},{(score > 0 ? "true" : "false")}\n");
        }
        Write(name, csv.ToString());
    }

    public async Task<PipelineInfo> SaveAsync(string yaml) => await Server.Client.Pipelines.SaveAsync(yaml, Directory);

    public async Task<PipelineRun> RunAsync(string name, IReadOnlyDictionary<string, string>? parameters = null, bool noCache = false)
    {
        var run = await Server.Client.Pipelines.StartRunAsync(name, new StartRunRequest(parameters, noCache));
        return await WaitAsync(run.Id);
    }

    /// <summary>Polls the run until it ends (the run goes on in the server).</summary>
    public async Task<PipelineRun> WaitAsync(long id, Func<PipelineRun, bool>? until = null)
    {
        until ??= r => r.Finished;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (true)
        {
            var run = await Server.Client.Pipelines.GetRunAsync(id, timeout.Token);
            if (until(run))
            {
                return run;
            }
            await Task.Delay(50, timeout.Token);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A test's leftovers in the temp folder do no harm.
        }
    }
}
