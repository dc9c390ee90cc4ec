using Gyre.Core.Background;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Pipelines.Steps;
using Gyre.Core.Pipelines.Steps.BuiltIn;
using Gyre.Core.Pipelines.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gyre.Core.Pipelines;

/// <summary>The pipelines feature's wiring.</summary>
public static class PipelinesServices
{
    /// <summary>The built-in step types, the executor and the runs it keeps, the triggers and their worker, and lineage.</summary>
    public static IServiceCollection AddGyrePipelines(this IServiceCollection services)
    {
        services.TryAddSingleton<BackgroundErrors>();
        services.TryAddSingleton<Diagnostics.ReplicaCounters>();
        services.AddHostedService<TriggerWorker>();
        services.AddHostedService<RunWorker>();
        return services
            .AddSingleton<FileDigests>()
            .AddSingleton<StepOutputCache>()
            .AddSingleton<StepArtifacts>()
            .AddSingleton<IStepType, IngestStep>()
            .AddSingleton<IStepType, ValidateStep>()
            .AddSingleton<IStepType, SplitStep>()
            .AddSingleton<IStepType, FeaturesStep>()
            .AddSingleton<IStepType, MaterializeStep>()
            .AddSingleton<IStepType, TrainStep>()
            .AddSingleton<IStepType, TuneStep>()
            .AddSingleton<IStepType, EvaluateStep>()
            .AddSingleton<IStepType, GateStep>()
            .AddSingleton<IStepType, RegisterStep>()
            .AddSingleton<IStepType, DeployStep>()
            .AddSingleton<IStepType, CommandStep>()
            .AddSingleton<PipelineExecutor>()
            .AddSingleton<PipelineService>()
            .AddSingleton<PipelineTriggerWatcher>()
            .AddSingleton<LineageService>();
    }
}
