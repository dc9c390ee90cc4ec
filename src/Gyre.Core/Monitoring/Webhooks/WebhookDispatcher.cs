using System.Globalization;
using System.Net.Http.Json;
using System.Threading.Channels;
using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Policies;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Monitoring.Webhooks;

/// <summary>
/// Delivers policies' webhooks off the monitoring loop: firings are recorded with their webhooks
/// pending, put on a bounded queue, and posted by at most <see cref="WebhookOptions.MaxConcurrent"/>
/// workers, so a destination that accepts and never answers holds one worker for at most the
/// deadline and never a policy or a monitor. Each attempt has its own timeout; failures and 5xx
/// answers are retried with a doubling delay from 1 s, within the deadline. The outcome recorded
/// says what happened in terms of HTTP (the status, no answer, no connection, refused), never the
/// addresses or errors of the network behind it.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    private readonly IPolicyStore _store;
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BackgroundErrors _errors;
    private readonly Channel<WebhookDelivery> _queue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task[] _workers;
    private int _disposed;

    public WebhookDispatcher(IPolicyStore store, WebhookDestinations destinations, WebhookOptions options, TimeProvider time, BackgroundErrors errors, ILogger<WebhookDispatcher> logger)
    {
        GyreException.ThrowIfAny(options.Problems());
        _logger = logger;
        _store = store;
        _http = WebhookClient.Create(destinations);
        _errors = errors;
        _options = options;
        _time = time;
        _queue = Channel.CreateBounded<WebhookDelivery>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite });
        // The workers outlive the policy tick that may have asked for this dispatcher first; they record outcomes unfenced.
        using (LeaseFence.Suspend())
        {
            _workers = [.. Enumerable.Range(0, options.MaxConcurrent).Select(_ => Task.Run(WorkAsync))];
        }
    }

    /// <summary>Queues a delivery; false when the queue is full (the caller records it as not delivered).</summary>
    public bool TryEnqueue(WebhookDelivery delivery) => _queue.Writer.TryWrite(delivery);

    /// <summary>Delivers one webhook and returns what happened (the workers record it).</summary>
    public async Task<ActionOutcome> DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var deadline = new CancellationTokenSource(_options.Deadline, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        var detail = "";
        var attempts = 0;
        try
        {
            for (; attempts <= delivery.Retries; attempts++)
            {
                if (attempts > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempts - 1)), _time, linked.Token);
                }
                var (ok, retry, what) = await AttemptAsync(delivery, linked.Token);
                detail = what;
                if (!retry)
                {
                    return Outcome(delivery, ok, $"{what} ({Attempts(attempts + 1)})");
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return Outcome(delivery, false, $"gave up at the {Seconds(_options.Deadline)} deadline ({Attempts(Math.Max(attempts, 1))}{(detail.Length > 0 ? $"; last: {detail}" : "")})");
        }
        return Outcome(delivery, false, $"{detail} ({Attempts(attempts)})");
    }

    /// <summary>One POST: whether it succeeded, whether to try again, and what happened.</summary>
    private async Task<(bool Ok, bool Retry, string What)> AttemptAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var attempt = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, attempt.Token);
        try
        {
            using var response = await _http.PostAsJsonAsync(delivery.Url, delivery.Body, linked.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 300 and < 400 => (false, false, $"HTTP {status}: redirects are not followed"),
                >= 500 => (false, true, $"HTTP {status}"),
                _ => (response.IsSuccessStatusCode, false, $"HTTP {status}"),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookRefusedException)
        {
            return (false, false, "refused: the destination is a loopback, private or link-local address (allow it with --webhook-allow)");
        }
        catch (HttpRequestException)
        {
            return (false, true, "could not connect or the connection failed");
        }
        catch (OperationCanceledException) when (attempt.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return (false, true, $"no answer within {Seconds(_options.AttemptTimeout)}");
        }
    }

    private async Task WorkAsync()
    {
        await foreach (var delivery in _queue.Reader.ReadAllAsync())
        {
            ActionOutcome outcome;
            try
            {
                outcome = await DeliverAsync(delivery, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                outcome = Outcome(delivery, false, "not delivered: the server stopped");
            }
            catch (Exception e)
            {
                // A worker outlives any one delivery.
                _errors.Count(Workers.Webhooks);
                Diagnostics.GyreLog.WebhookFailed(_logger, e, delivery.FiringId, delivery.Index);
                outcome = Outcome(delivery, false, "not delivered: an error on the server (see its log)");
            }
            try
            {
                await _store.SetActionOutcomeAsync(delivery.FiringId, delivery.Index, outcome, CancellationToken.None);
            }
            catch (Exception e)
            {
                _errors.Count(Workers.Webhooks);
                Diagnostics.GyreLog.WebhookOutcomeNotRecorded(_logger, e, delivery.FiringId, delivery.Index);
            }
        }
    }

    /// <summary>Stops the workers; deliveries in flight or still queued are recorded as not delivered.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return; // the server stops it before its stores close; the container disposes it again
        }
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _stopping.Dispose();
        _http.Dispose();
    }

    private static ActionOutcome Outcome(WebhookDelivery delivery, bool ok, string detail) => new(PolicyKinds.Webhook, delivery.Url, ok, detail);

    private static string Attempts(int n) => n == 1 ? "1 attempt" : $"{n} attempts";

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###} s");
}
