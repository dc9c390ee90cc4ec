using Gyre.Core.Learning.Training;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Api;

/// <summary><c>/api/v1/trainings</c>: train a model on a dataset version; the answer comes when the training has finished.</summary>
internal static class TrainingsApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/trainings").WithTags("Trainings");
        group.MapPost("/", Train);
    }

    private static async Task<Created<TrainingResult>> Train(TrainingRequest request, ModelTraining training, CancellationToken ct)
    {
        var result = await training.TrainAsync(request, ct);
        return TypedResults.Created($"/api/v1/runs/{result.RunId}", result);
    }
}
