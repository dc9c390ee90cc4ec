using Gyre.Core.Data.Bias;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Splits;
using Gyre.Core.Data.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Core.Data;

/// <summary>The data feature's wiring.</summary>
public static class DataServices
{
    /// <summary>Datasets: ingest, declared schemas, splits, reference statistics, validation and bias, over the stores of <c>AddGyreStorage</c>.</summary>
    public static IServiceCollection AddGyreData(this IServiceCollection services) => services
        .AddSingleton<DatasetIngest>()
        .AddSingleton<DatasetSchemas>()
        .AddSingleton<DatasetSplitting>()
        .AddSingleton<DatasetReferences>()
        .AddSingleton<DatasetValidation>()
        .AddSingleton<DatasetBias>();
}
