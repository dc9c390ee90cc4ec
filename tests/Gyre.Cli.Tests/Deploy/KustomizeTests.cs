using System.Diagnostics;
using k8s;
using k8s.Models;

namespace Gyre.Cli.Tests.Deploy;

/// <summary>
/// deploy/k8s rendered by `kubectl kustomize` (no cluster needed) and read object by object into the
/// official Kubernetes client's typed models, strictly: a field no Kubernetes type has fails the read.
/// Then what a platform team asks of each workload: probes on /readyz and /healthz, requests and
/// limits, a restricted security context, a grace period longer than the drain, scrape annotations,
/// settings from Secrets, and for the scaled overlay the gateways' autoscaler and disruption budget.
/// </summary>
public sealed class KustomizeTests
{
    [Fact]
    public async Task TheSingleOverlay_IsOneAllRolesReplica_WithItsHomeOnAPersistentVolume()
    {
        var objects = await RenderAsync("single");
        var server = Assert.Single(objects.OfType<V1StatefulSet>());
        Assert.Equal(1, server.Spec.Replicas);
        var container = Assert.Single(server.Spec.Template.Spec.Containers);
        Assert.Equal("server", container.Args[0]);
        Assert.DoesNotContain("--roles", container.Args); // all three roles
        var home = Assert.Single(server.Spec.VolumeClaimTemplates);
        Assert.Contains(container.VolumeMounts, m => m.Name == home.Metadata.Name && m.MountPath == Env(container, "GYRE_HOME"));
        Assert.Equal("ReadWriteOnce", Assert.Single(home.Spec.AccessModes));
        Assert.Null(container.Env.FirstOrDefault(e => e.Name == "GYRE_DATABASE")); // the embedded database
        CheckWorkloads(objects);
        var service = Assert.Single(objects.OfType<V1Service>());
        Assert.Equal(["http 8080", "grpc 8001 kubernetes.io/h2c"], service.Spec.Ports.Select(p => $"{p.Name} {p.Port} {p.AppProtocol}".Trim()));
        Assert.Equal("http://0.0.0.0:8001", container.Args[container.Args.IndexOf("--grpc-urls") + 1]);
        Assert.Contains(container.Ports, p => p.Name == "grpc" && p.ContainerPort == 8001);
        Assert.True(Selects(service.Spec.Selector, server.Spec.Template.Metadata.Labels));
    }

    [Fact]
    public async Task TheScaledOverlay_SplitsTheRoles_ScalesTheGateways_AndReadsItsSecrets()
    {
        var objects = await RenderAsync("scaled");
        Assert.Empty(objects.OfType<V1Secret>()); // users create them; an apply must never overwrite them
        var gateway = Assert.Single(objects.OfType<V1StatefulSet>(), s => s.Metadata.Name == "gyre-gateway");
        var api = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "gyre-api");
        var worker = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "gyre-worker");
        Assert.Equal(["server", "--urls", "http://0.0.0.0:8080", "--roles", "gateway", "--grpc-urls", "http://0.0.0.0:8001"], Container(gateway.Spec.Template).Args.Take(7));
        Assert.Equal(["server", "--urls", "http://0.0.0.0:8080", "--roles", "api"], Container(api.Spec.Template).Args.Take(5));
        Assert.Equal("worker", Container(worker.Spec.Template).Args[0]);
        Assert.True(worker.Spec.Replicas >= 2, "a second worker takes the singletons over from a dead one");

        // Gateways keep their journal on a volume of their own, follow the autoscaler, and keep a floor.
        var journal = Assert.Single(gateway.Spec.VolumeClaimTemplates);
        Assert.Contains(Container(gateway.Spec.Template).VolumeMounts, m => m.Name == journal.Metadata.Name && m.MountPath == Env(Container(gateway.Spec.Template), "GYRE_HOME"));
        Assert.Null(gateway.Spec.Replicas); // the autoscaler owns the count
        var autoscaler = Assert.Single(objects.OfType<V2HorizontalPodAutoscaler>());
        Assert.Equal(("StatefulSet", "gyre-gateway"), (autoscaler.Spec.ScaleTargetRef.Kind, autoscaler.Spec.ScaleTargetRef.Name));
        Assert.True(autoscaler.Spec.MinReplicas >= 2 && autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
        Assert.Equal("cpu", Assert.Single(autoscaler.Spec.Metrics).Resource.Name);
        var budgets = objects.OfType<V1PodDisruptionBudget>().ToList();
        Assert.Contains(budgets, b => Selects(b.Spec.Selector.MatchLabels, gateway.Spec.Template.Metadata.Labels) && b.Spec.MinAvailable?.Value == "1");
        Assert.Contains(budgets, b => Selects(b.Spec.Selector.MatchLabels, api.Spec.Template.Metadata.Labels));

        // The shared database and the object store's keys come from Secrets, never from the manifests.
        foreach (var template in new[] { gateway.Spec.Template, api.Spec.Template, worker.Spec.Template })
        {
            var container = Container(template);
            Assert.Equal(("gyre-database", "url"), SecretOf(container, "GYRE_DATABASE"));
            Assert.Equal(("gyre-database", "password"), SecretOf(container, "PGPASSWORD"));
            Assert.Equal("gyre-object-store", SecretOf(container, "AWS_ACCESS_KEY_ID").Secret);
            Assert.Equal("gyre-object-store", SecretOf(container, "AWS_SECRET_ACCESS_KEY").Secret);
            Assert.Equal("gyre-config", container.Env.Single(e => e.Name == "GYRE_ARTIFACTS").ValueFrom.ConfigMapKeyRef.Name);
        }
        var services = objects.OfType<V1Service>().ToList();
        Assert.True(Selects(services.Single(s => s.Metadata.Name == "gyre-gateway").Spec.Selector, gateway.Spec.Template.Metadata.Labels));
        Assert.True(Selects(services.Single(s => s.Metadata.Name == "gyre-api").Spec.Selector, api.Spec.Template.Metadata.Labels));
        var migrate = Assert.Single(objects.OfType<V1Job>());
        Assert.Equal("migrate", Container(migrate.Spec.Template).Args[0]);
        CheckSecurity(migrate.Spec.Template);
        CheckWorkloads(objects);
    }

    /// <summary>What every long-running pod must have.</summary>
    private static void CheckWorkloads(IReadOnlyList<object> objects)
    {
        var templates = objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template).Concat(objects.OfType<V1Deployment>().Select(d => d.Spec.Template)).ToList();
        Assert.NotEmpty(templates);
        foreach (var template in templates)
        {
            var container = Container(template);
            Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
            Assert.Equal("http", container.ReadinessProbe.HttpGet.Port.Value);
            Assert.Contains(container.Ports, p => p.Name == "http" && p.ContainerPort == 8080);
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(container.Resources.Requests.ContainsKey(resource), $"{container.Name}: no {resource} request");
                Assert.True(container.Resources.Limits.ContainsKey(resource), $"{container.Name}: no {resource} limit");
            }
            CheckSecurity(template);
            // Longer than the drain: the kubelet must not kill a replica that still answers.
            var drain = container.Args.IndexOf("--drain") is var at and >= 0 ? double.Parse(container.Args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 5;
            Assert.True(template.Spec.TerminationGracePeriodSeconds > drain + 5, $"grace {template.Spec.TerminationGracePeriodSeconds} s against a drain of {drain} s");
            Assert.Equal("true", template.Metadata.Annotations["prometheus.io/scrape"]);
            Assert.Equal("8080", template.Metadata.Annotations["prometheus.io/port"]);
            Assert.Equal("/metrics", template.Metadata.Annotations["prometheus.io/path"]);
            Assert.Equal("/etc/gyre/admin-token/token", Env(container, "GYRE_ADMIN_TOKEN_FILE"));
            var token = template.Spec.Volumes.Single(v => v.Secret?.SecretName == "gyre-admin-token");
            Assert.Contains(container.VolumeMounts, m => m.Name == token.Name && m.MountPath == "/etc/gyre/admin-token" && m.ReadOnlyProperty == true);
        }
    }

    /// <summary>Non-root, a read-only root filesystem with a writable /tmp and home, no escalation, no capabilities, no API token.</summary>
    private static void CheckSecurity(V1PodTemplateSpec template)
    {
        var pod = template.Spec.SecurityContext;
        Assert.True(pod.RunAsNonRoot);
        Assert.Equal(10001, pod.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SeccompProfile.Type);
        Assert.False(template.Spec.AutomountServiceAccountToken);
        var container = Container(template);
        var security = container.SecurityContext;
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        var tmp = container.VolumeMounts.Single(m => m.MountPath == "/tmp");
        Assert.NotNull(template.Spec.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
        var home = Env(container, "GYRE_HOME");
        Assert.Contains(container.VolumeMounts, m => m.MountPath == home && m.ReadOnlyProperty != true);
    }

    private static V1Container Container(V1PodTemplateSpec template) => Assert.Single(template.Spec.Containers);

    private static string Env(V1Container container, string name) => container.Env.Single(e => e.Name == name).Value;

    private static (string Secret, string Key) SecretOf(V1Container container, string name) =>
        container.Env.Single(e => e.Name == name).ValueFrom.SecretKeyRef is { } secret ? (secret.Name, secret.Key) : ("", "");

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var value) && value == s.Value);

    /// <summary>The overlay rendered by kubectl, every object read strictly into its typed model.</summary>
    private static async Task<IReadOnlyList<object>> RenderAsync(string overlay)
    {
        var info = new ProcessStartInfo("kubectl", ["kustomize", RepositoryFiles.Deploy("k8s", "overlays", overlay)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var kubectl = Process.Start(info)!;
        var yaml = kubectl.StandardOutput.ReadToEndAsync();
        var errors = kubectl.StandardError.ReadToEndAsync();
        await kubectl.WaitForExitAsync();
        Assert.True(kubectl.ExitCode == 0, await errors);
        var objects = KubernetesYaml.LoadAllFromString(await yaml, strict: true);
        Assert.All(objects, o => Assert.IsAssignableFrom<IKubernetesObject>(o));
        Assert.All(objects.Cast<IMetadata<V1ObjectMeta>>(), o => Assert.Equal("gyre", o.Metadata.Labels["app.kubernetes.io/name"]));
        return objects;
    }
}
