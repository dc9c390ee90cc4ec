using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>A prediction a strategy would pick: higher <c>Priority</c> first, and why (<c>Reason</c>, shown to labellers).</summary>
public sealed record Candidate(PredictionRecord Prediction, double Priority, string Reason);

/// <summary>
/// One window's choice by a queue's strategy: it is offered every prediction of the window (shadow
/// copies too, which only the disagreement strategy reads), keeps what it needs in bounded memory,
/// and picks at most the window's budget at its end.
/// </summary>
public abstract class SampleStrategy
{
    /// <summary>The most predictions a strategy holds at once beyond its budget (inputs it matches, values it counts).</summary>
    public const int MaxHeld = 100_000;

    public abstract void Offer(PredictionRecord prediction);

    public abstract IReadOnlyList<Candidate> Pick(int budget);

    /// <summary>Keeps the <c>size</c> highest-priority candidates (ties: the earlier id first, so picks repeat).</summary>
    protected sealed class Best(int size)
    {
        private readonly PriorityQueue<Candidate, (double, string)> _heap = new(Comparer<(double Priority, string Id)>.Create((a, b) =>
        {
            var byPriority = a.Priority.CompareTo(b.Priority);
            return byPriority != 0 ? byPriority : string.CompareOrdinal(b.Id, a.Id);
        }));

        public void Offer(Candidate candidate)
        {
            if (size <= 0)
            {
                return;
            }
            var key = (candidate.Priority, candidate.Prediction.PredictionId);
            if (_heap.Count < size)
            {
                _heap.Enqueue(candidate, key);
            }
            else if (_heap.TryPeek(out _, out var lowest) && _heap.Comparer.Compare(key, lowest) > 0)
            {
                _heap.EnqueueDequeue(candidate, key);
            }
        }

        public IReadOnlyList<Candidate> Take(int count) =>
            [.. _heap.UnorderedItems.Select(e => e.Element).OrderByDescending(c => c.Priority).ThenBy(c => c.Prediction.PredictionId, StringComparer.Ordinal).Take(count)];
    }
}
