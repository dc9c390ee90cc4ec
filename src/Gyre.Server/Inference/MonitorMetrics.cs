using Gyre.Core.Monitoring.Bias;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Sequential;
using Prometheus;

namespace Gyre.Server.Inference;

/// <summary>
/// The latest drift window of each monitored endpoint as Prometheus gauges on the gateway's registry:
/// the share of drifted features, whether the data set drifted and whether that raised an alarm,
/// each feature's statistic and verdict, and the predictions' drift; and for each statistic the
/// sequential detectors follow, its standardised value, CUSUM's and Page–Hinkley's sums per side, and their alarms;
/// the performance estimated without labels with its sampling error; the multivariate drift; and the
/// post-training bias of the newest window with labels, per group of the sensitive input.
/// </summary>
internal sealed class MonitorMetrics : IDriftObserver
{
    private readonly Gauge _share;
    private readonly Gauge _dataset;
    private readonly Gauge _statistic;
    private readonly Gauge _drifted;
    private readonly Gauge _windows;
    private readonly Gauge _alarm;
    private readonly Gauge _z;
    private readonly Gauge _sequential;
    private readonly Gauge _sequentialAlarm;
    private readonly Gauge _estimated;
    private readonly Gauge _multivariate;
    private readonly Gauge _multivariateDrift;
    private readonly Gauge _domainAuc;
    private readonly Gauge _estimatedError;
    private readonly Gauge _bias;
    private readonly Gauge _biasLabelled;
    private readonly Gauge _skew;

    public MonitorMetrics(GatewayMetrics gateway)
    {
        var factory = Metrics.WithCustomRegistry(gateway.Registry);
        _share = factory.CreateGauge("gyre_drift_share", "Share of an endpoint's features that drifted in its latest window.", "endpoint");
        _dataset = factory.CreateGauge("gyre_drift_dataset", "1 when the endpoint's latest window drifted as a data set, else 0.", "endpoint");
        _statistic = factory.CreateGauge("gyre_drift_statistic", "A feature's drift statistic in the endpoint's latest window (the p-value's test for ks and chisquare).", "endpoint", "column", "test");
        _drifted = factory.CreateGauge("gyre_drift_column", "1 when a feature (or the predictions, column=prediction) drifted in the latest window, else 0.", "endpoint", "column");
        _windows = factory.CreateGauge("gyre_drift_windows", "Drift windows checked since start.", "endpoint");
        _alarm = factory.CreateGauge("gyre_drift_alarm", "1 when the endpoint's latest window raised a drift alarm (alarm_after windows in a row drifted), else 0.", "endpoint");
        _z = factory.CreateGauge("gyre_sequential_z", "A statistic of the latest window (a feature's mean, the predictions' mean or a class's share), in standard errors from the reference.", "endpoint", "statistic");
        _sequential = factory.CreateGauge("gyre_sequential_detector", "A sequential detector's statistic after the latest window, per side (alarm above its threshold: cusum_h, page_hinkley_lambda).", "endpoint", "statistic", "detector", "side");
        _multivariate = factory.CreateGauge("gyre_multivariate_error", "The mean PCA reconstruction error of the endpoint's latest window (bound=statistic), and the reference's band (bound=lower, upper).", "endpoint", "bound");
        _multivariateDrift = factory.CreateGauge("gyre_multivariate_drift", "1 when the latest window's PCA reconstruction error is outside the reference's band or the domain classifier found drift, else 0.", "endpoint");
        _domainAuc = factory.CreateGauge("gyre_domain_classifier_auc", "The cross-validated ROC AUC of a classifier telling the endpoint's latest window from its reference (0.5: alike).", "endpoint");
        _estimated = factory.CreateGauge("gyre_estimated_performance", "A binary classifier's metric estimated without labels (CBPE) over the endpoint's latest window.", "endpoint", "metric");
        _estimatedError = factory.CreateGauge("gyre_estimated_performance_sampling_error", "The sampling error (a standard error) of the estimated metric.", "endpoint", "metric");
        _bias = factory.CreateGauge("gyre_online_bias", "A post-training bias metric (dppl, disparate_impact, dcacc, rd, ad, te) of one group of the sensitive input against the others, over the newest monitor window with labels; NaN where undefined.",
            "endpoint", "sensitive", "facet", "metric");
        _biasLabelled = factory.CreateGauge("gyre_online_bias_labelled", "The labelled predictions the endpoint's online bias was measured on.", "endpoint");
        _skew = factory.CreateGauge("gyre_feature_skew", "The share of the latest window's sampled predictions whose looked-up feature differed from the offline store's point-in-time value (training/serving skew).",
            "endpoint", "group", "feature");
        _sequentialAlarm = factory.CreateGauge("gyre_sequential_alarm", "1 when a sequential detector alarmed on the statistic in the latest window, else 0.", "endpoint", "statistic", "detector");
    }

    public void Checked(DriftWindow window)
    {
        _share.WithLabels(window.Endpoint).Set(window.Data.DriftedShare);
        _dataset.WithLabels(window.Endpoint).Set(window.Data.DatasetDrift ? 1 : 0);
        _alarm.WithLabels(window.Endpoint).Set(window.Alarm ? 1 : 0);
        _windows.WithLabels(window.Endpoint).Inc();
        foreach (var column in window.Data.Columns.Concat(window.Prediction is { } p ? [p] : []))
        {
            _statistic.WithLabels(window.Endpoint, column.Column, column.Test).Set(double.IsFinite(column.Statistic) ? column.Statistic : double.MaxValue);
            _drifted.WithLabels(window.Endpoint, column.Column).Set(column.Drifted ? 1 : 0);
        }
        if (window.Multivariate is { Statistic: { } error } multivariate)
        {
            _multivariate.WithLabels(window.Endpoint, "statistic").Set(error);
            _multivariate.WithLabels(window.Endpoint, "lower").Set(multivariate.Lower!.Value);
            _multivariate.WithLabels(window.Endpoint, "upper").Set(multivariate.Upper!.Value);
            _multivariateDrift.WithLabels(window.Endpoint).Set(multivariate.AnyDrift ? 1 : 0);
            if (multivariate.Classifier is { } classifier)
            {
                _domainAuc.WithLabels(window.Endpoint).Set(classifier.Auc);
            }
        }
        foreach (var (metric, value) in window.Performance?.Metrics ?? new Dictionary<string, double>())
        {
            _estimated.WithLabels(window.Endpoint, metric).Set(value);
            _estimatedError.WithLabels(window.Endpoint, metric).Set(window.Performance!.SamplingError?.GetValueOrDefault(metric) ?? double.NaN);
        }
        foreach (var feature in window.Skew?.Features ?? [])
        {
            _skew.WithLabels(window.Endpoint, feature.Group, feature.Feature).Set(feature.Rate);
        }
        foreach (var point in window.Sequential ?? [])
        {
            if (point.Z is { } z)
            {
                _z.WithLabels(window.Endpoint, point.Statistic).Set(z);
            }
            _sequential.WithLabels(window.Endpoint, point.Statistic, SequentialDetectors.Cusum, SequentialAlarm.Up).Set(point.Cusum.Upper);
            _sequential.WithLabels(window.Endpoint, point.Statistic, SequentialDetectors.Cusum, SequentialAlarm.Down).Set(point.Cusum.Lower);
            _sequential.WithLabels(window.Endpoint, point.Statistic, SequentialDetectors.PageHinkley, SequentialAlarm.Up).Set(point.PageHinkley.UpStatistic);
            _sequential.WithLabels(window.Endpoint, point.Statistic, SequentialDetectors.PageHinkley, SequentialAlarm.Down).Set(point.PageHinkley.DownStatistic);
            foreach (var detector in new[] { SequentialDetectors.Cusum, SequentialDetectors.PageHinkley })
            {
                _sequentialAlarm.WithLabels(window.Endpoint, point.Statistic, detector).Set(point.Alarms?.Any(a => a.Detector == detector) == true ? 1 : 0);
            }
        }
    }

    public void Measured(string endpoint, WindowBias bias)
    {
        _biasLabelled.WithLabels(endpoint).Set(bias.Labelled);
        foreach (var facet in bias.Report?.Facets ?? [])
        {
            if (facet.Posttraining is not { } metrics)
            {
                continue;
            }
            void Set(string metric, double? value) => _bias.WithLabels(endpoint, bias.Report!.Sensitive, facet.Facet, metric).Set(value ?? double.NaN);
            Set("dppl", metrics.Dppl);
            Set("disparate_impact", metrics.Di);
            Set("dcacc", metrics.Dcacc);
            Set("rd", metrics.Rd);
            Set("ad", metrics.Ad);
            Set("te", metrics.Te);
        }
    }
}
