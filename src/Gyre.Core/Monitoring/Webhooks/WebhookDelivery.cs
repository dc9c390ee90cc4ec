namespace Gyre.Core.Monitoring.Webhooks;

/// <summary>One webhook to deliver: action <c>Index</c> of firing <c>FiringId</c>, its URL, JSON body and retries.</summary>
public sealed record WebhookDelivery(long FiringId, int Index, string Url, object Body, int Retries);
