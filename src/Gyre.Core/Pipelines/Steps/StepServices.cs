using Gyre.Core.Data;
using Gyre.Core.Data.Splits;
using Gyre.Core.Data.Validation;
using Gyre.Core.Learning.Gate;
using Gyre.Core.Models;
using Gyre.Core.Learning.Training;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Rollouts;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>The services the built-in steps work through: each step is a thin adapter over an existing feature.</summary>
public sealed record StepServices(
    IDatasetStore Datasets,
    IDatasetObjectStore Objects,
    IDatasetExporter Exporter,
    DatasetIngest Ingest,
    DatasetValidation Validation,
    DatasetSplitting Splitting,
    ModelTraining Training,
    ModelGate Gate,
    ModelImport Import,
    IRegistryStore Registry,
    EndpointService Endpoints,
    RolloutController Rollouts,
    IRolloutStore RolloutRecords,
    IPredictionLog Predictions,
    FileDigests Files,
    TimeProvider Time,
    string ScratchDirectory);
