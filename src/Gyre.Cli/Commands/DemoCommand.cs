using System.CommandLine;
using System.Globalization;
using Gyre.Cli.Demo;
using Gyre.Client;
using Gyre.Core.Errors;
using Gyre.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre demo</c>: starts a server on the embedded defaults and plays the whole loop with a known
/// drift — train, serve, drift, detect, retrain, canary, promote — printing a timeline and a
/// summary; then leaves the server running (or exits with <c>--exit</c>).
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Listen URLs, ';'-separated", DefaultValueFactory = _ => ServerOptions.DefaultUrls };
        var home = new Option<string?>("--home") { Description = "The Gyre home folder (default: a new folder under the system's temp folder, so that the demo always starts afresh)" };
        var fast = new Option<bool>("--fast") { Description = "A short run (under a minute), for tests" };
        var exit = new Option<bool>("--exit") { Description = "Stop the server when the demo ends" };
        var database = new DatabaseArguments();
        var artifacts = new ArtifactsArgument();
        var command = new Command("demo", "Start a server and play the closed loop: a model decays under drift, is retrained and promoted by itself") { urls, home, fast, exit };
        database.AddTo(command);
        artifacts.AddTo(command);
        command.WithoutClient(async (parse, _, ct) =>
        {
            var given = parse.GetValue(home);
            var databaseOptions = database.Read(parse);
            var folder = given ?? Path.Combine(Path.GetTempPath(), "gyre-demo-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            await using var app = await GyreServer.BuildAsync(new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                Home = folder,
                // The demo sets up its own database: a PostgreSQL one is migrated (it must not hold another demo).
                Database = databaseOptions,
                Artifacts = artifacts.Read(parse),
                Migrate = true,
                Quiet = true,
                DrainTime = TimeSpan.Zero,
            }, ct: ct);
            await app.StartAsync(ct);
            var address = GyreServer.Addresses(app)[0];
            Console.Out.WriteLine($"gyre server listening on {address}, home {folder}; playing the demo{(parse.GetValue(fast) ? " (fast)" : "")}");
            Console.Out.WriteLine($"Watch the loop on the dashboard: open {address}/ in a browser.");
            DemoSummary summary;
            using (var client = new GyreClient(new GyreClientOptions { Server = new Uri(address), Timeout = TimeSpan.FromMinutes(5) }))
            {
                summary = await new DemoRun(client, parse.GetValue(fast) ? DemoSettings.Fast : DemoSettings.Full, Console.Out).RunAsync(ct);
            }
            Print(summary);
            if (!parse.GetValue(exit))
            {
                Console.Out.WriteLine($"The server and its dashboard keep running on {address}/ (Ctrl+C to stop). In another terminal, with GYRE_SERVER={address}: "
                    + "`gyre monitor show credit`, `gyre policies firings credit-drift`, `gyre pipelines runs`, `gyre lineage credit/2`.");
                await app.WaitForShutdownAsync(ct);
            }
            else
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
                if (given is null && databaseOptions.IsEmbedded)
                {
                    // The demo made this home for itself; with --exit nothing is left to look at in it.
                    // (A database of the user's own keeps the demo's records, so its files stay too.)
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(folder, recursive: true);
                    Console.Out.WriteLine($"removed the demo's home {folder}");
                }
            }
            if (!summary.Promoted)
            {
                throw GyreException.Conflict("the loop did not close in time: no retrained model was promoted (see the timeline above)");
            }
        });
        return command;
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static void Print(DemoSummary s)
    {
        static string Percent(double v) => double.IsNaN(v) ? "-" : (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        var table = new Table().Border(TableBorder.Rounded).AddColumn("phase").AddColumn("predictions").AddColumn("online accuracy");
        table.AddRow("before the drift (v1)", Count(s.BeforeCount), Percent(s.Before));
        table.AddRow("after the drift, before promotion", Count(s.AfterDriftCount), Percent(s.AfterDrift));
        table.AddRow("after promotion (v2)", Count(s.AfterPromotionCount), Percent(s.AfterPromotion));
        CliConsole.Out.Write(table);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"false alarms: {s.FalseAlarms} in {s.WindowsBeforeDrift} windows before the drift; "
            + $"drift detected {(s.WindowsToDetect is { } w ? $"{w} window(s) after its onset" : "not at all")}; v2 {(s.Promoted ? "promoted" : "not promoted")}; "
            + $"accuracy after promotion {(double.IsNaN(s.AfterPromotion) ? "-" : ((s.AfterPromotion - s.Before) * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + " points")} against before the drift; {s.Elapsed.TotalSeconds:0} s"));
        if (!double.IsNaN(s.EstimatedAfterDrift))
        {
            Console.Out.WriteLine($"v1's accuracy after the drift, estimated without labels (CBPE) as each window closed: {Percent(s.EstimatedAfterDrift)}; realized once the labels came: {Percent(s.RealizedAfterDrift)}");
        }
    }
}
