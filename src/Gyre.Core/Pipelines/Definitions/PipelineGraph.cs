namespace Gyre.Core.Pipelines.Definitions;

/// <summary>The steps as a graph: cycles are found before a run starts; ancestors decide which artifacts a step sees.</summary>
public static class PipelineGraph
{
    /// <summary>Adds one problem per cycle found, naming its steps in order and the line of the first.</summary>
    public static void CheckAcyclic(IReadOnlyList<PipelineStep> steps, List<string> problems)
    {
        var byId = steps.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        foreach (var step in steps)
        {
            Visit(step.Id);
        }

        void Visit(string id)
        {
            if (state.GetValueOrDefault(id) == 2)
            {
                return;
            }
            if (state.GetValueOrDefault(id) == 1)
            {
                var cycle = path.Skip(path.IndexOf(id)).Append(id).ToList();
                problems.Add($"line {byId[id].Line}: steps: cycle {string.Join(" -> ", cycle)}; a step cannot depend on itself through others");
                return;
            }
            state[id] = 1;
            path.Add(id);
            foreach (var need in byId[id].Needs.Where(byId.ContainsKey))
            {
                Visit(need);
            }
            path.RemoveAt(path.Count - 1);
            state[id] = 2;
        }
    }

    /// <summary>Every step <paramref name="id"/> depends on, nearest first (breadth-first over needs).</summary>
    public static IReadOnlyList<string> Ancestors(PipelineDefinition pipeline, string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        var queue = new Queue<string>(pipeline.Step(id).Needs);
        while (queue.TryDequeue(out var next))
        {
            if (seen.Add(next))
            {
                order.Add(next);
                foreach (var need in pipeline.Step(next).Needs)
                {
                    queue.Enqueue(need);
                }
            }
        }
        return order;
    }

    /// <summary>Every step that depends on <paramref name="id"/>, directly or not.</summary>
    public static IReadOnlySet<string> Descendants(PipelineDefinition pipeline, string id)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var step in pipeline.Steps.Where(s => !found.Contains(s.Id) && s.Needs.Any(n => n == id || found.Contains(n))))
            {
                changed |= found.Add(step.Id);
            }
        }
        return found;
    }
}
