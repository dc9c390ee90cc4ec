namespace Gyre.Core.Api;

/// <summary>The answer of <c>/healthz</c> and <c>/readyz</c>.</summary>
public sealed record Health(string Status, string Version);
