namespace Gyre.Core.Data.Bias;

/// <summary>The names errors give the request's fields: a dataset's query parameters, or a gate's <c>bias</c> object.</summary>
public sealed record BiasFields(string Sensitive, string Favourable, string Facet)
{
    public static readonly BiasFields Query = new("sensitive", "favourable", "facet");

    public static readonly BiasFields Gate = new("bias.sensitive_column", "bias.favourable", "bias.facet");
}
