using System.CommandLine;
using Gyre.Core.Errors;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre health</c>: asks a server on this machine whether it is alive (<c>/healthz</c>) or ready
/// (<c>/readyz</c>), for a container's health check, where the runtime image has no curl: exit 0
/// when it answers 200, else 1 with one line saying what it answered.
/// </summary>
internal static class HealthCommand
{
    public static Command Build()
    {
        var url = new Option<string>("--url")
        {
            Description = "The server's base URL",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("GYRE_HEALTH_URL") is { Length: > 0 } fromEnv ? fromEnv : "http://127.0.0.1:8080",
        };
        var ready = new Option<bool>("--ready") { Description = "Ask /readyz (ready to take requests) instead of /healthz (alive)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer", DefaultValueFactory = _ => 5 };
        var command = new Command("health", "Check that a Gyre server answers /healthz (or /readyz with --ready); exit 0 when it does") { url, ready, timeout };
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is <= 0 or > 300)
            {
                throw GyreException.Invalid($"--timeout: expected more than 0 and at most 300 seconds, got {seconds}");
            }
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
            {
                throw GyreException.Invalid($"--url: expected an http:// or https:// URL, got '{parse.GetValue(url)}'");
            }
            var path = parse.GetValue(ready) ? "readyz" : "healthz";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(seconds) };
            var target = new Uri(baseUri, path);
            HttpResponseMessage response;
            try
            {
                response = await http.GetAsync(target, ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                throw new GyreException(ErrorCode.Unavailable, $"{target} did not answer: {e.Message}");
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw new GyreException(ErrorCode.Unavailable, $"{target} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
            }
            printer.Done($"{target}: {(int)response.StatusCode} {response.ReasonPhrase}", new { url = target.ToString(), status = (int)response.StatusCode });
        }, json: true);
        return command;
    }
}
