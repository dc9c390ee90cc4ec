using System.Globalization;
using Gyre.Cli.Demo;
using Gyre.Client;

namespace Gyre.Bench;

/// <summary>
/// False drift alarms and detection delay, on the demo's world at the fast demo's pace, through a
/// real server: (1) the demo's stream with its drift, then 50 windows of 1,000 predictions after
/// v2's promotion, whose world no longer changes; (2) a control stream that never drifts, 50 windows. Counts the windows
/// that drifted as a data set (one test's verdict) and the alarms (what policies act on), and the
/// windows from the drift's onset to its alarm. Quality, not speed: the figures do not depend on
/// the machine's load, only on the seeds.
/// </summary>
internal static class AlarmBenchmark
{
    private const int Windows = 50;

    public static async Task RunAsync()
    {
        Console.WriteLine("alarms: the demo's credit world, windows of 1,000 predictions, default monitor settings");
        foreach (var seed in new[] { 7, 8, 9 })
        {
            await PlayAsync("after promotion", seed, drifts: true);
            await PlayAsync("no drift", seed, drifts: false);
        }
    }

    private static async Task PlayAsync(string name, int seed, bool drifts)
    {
        await using var server = await BenchServer.StartAsync();
        using var client = new GyreClient(new GyreClientOptions { Server = server.Address, Timeout = TimeSpan.FromMinutes(5) });
        // The fast demo's world and pace (its stream waits 150 ms between batches, so the retraining
        // starts while the drift is young, as in `gyre demo --fast`), then 50 windows more.
        var settings = new DemoSettings(2000, 100, drifts ? 20 : Windows * 10, Windows * 10, 1000, 2, TimeSpan.FromMilliseconds(150), TimeSpan.FromMinutes(30), seed, drifts);
        var summary = await new DemoRun(client, settings, TextWriter.Null).RunAsync(CancellationToken.None);
        // The monitor checks windows every 5 s: wait until it has checked every complete one.
        var complete = (summary.BeforeCount + summary.AfterDriftCount + summary.AfterPromotionCount) / settings.WindowPredictions;
        var windows = (await client.Endpoints.ListDriftWindowsAsync(DemoPipelines.Endpoint, 10_000)).Items.Reverse().ToList();
        for (var wait = 0; windows.Count < complete && wait < 60; wait++)
        {
            await Task.Delay(1000);
            windows = [.. (await client.Endpoints.ListDriftWindowsAsync(DemoPipelines.Endpoint, 10_000)).Items.Reverse()];
        }
        var promotedAt = (await client.Endpoints.ListRolloutsAsync(DemoPipelines.Endpoint)).Items
            .Where(r => r.State == Core.Serving.Rollouts.RolloutStates.Succeeded).Select(r => (long?)r.LastUpdateTime).FirstOrDefault();
        var judged = drifts ? windows.Where(w => promotedAt is { } at && w.Start >= at).ToList() : windows;
        var detection = drifts
            ? FormattableString.Invariant($"; the drift's alarm {summary.WindowsToDetect?.ToString(CultureInfo.InvariantCulture) ?? "never"} window(s) after its onset, v2 {(summary.Promoted ? "promoted" : "NOT promoted")}")
            : "";
        Console.WriteLine(FormattableString.Invariant(
            $"  {name,-16} seed {seed}: {judged.Count} windows, {judged.Count(w => w.Data.DatasetDrift)} drifted as a data set, {judged.Count(w => w.Alarm)} alarms{detection}; references {string.Join(", ", judged.Select(w => w.Reference).Distinct())}"));
    }
}
