using Gyre.Core.Learning.Gate;
using Gyre.Core.Learning.Training;
using Gyre.Core.Models;
using Gyre.Core.Monitoring.Learners;
using Gyre.Learning.MlNet;
using Gyre.Learning.Monitoring;
using Gyre.Learning.Onnx;
using Gyre.Learning.Predictors;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Learning;

/// <summary>The learning feature's wiring: its engines (ML.NET, ONNX Runtime) behind Core's ports, and the training and gate that use them.</summary>
public static class LearningServices
{
    public static IServiceCollection AddGyreLearning(this IServiceCollection services) => services
        .AddSingleton<IModelRuntime, ModelRuntime>()
        .AddSingleton<IModelInspector, OnnxInspector>()
        .AddSingleton<ITrainer, MlNetTrainer>()
        .AddSingleton<IModelScorer, BatchScorer>()
        .AddSingleton<IVectorLearner, LightGbmVectorLearner>()
        .AddSingleton<ModelTraining>()
        .AddSingleton<ModelGate>();
}
