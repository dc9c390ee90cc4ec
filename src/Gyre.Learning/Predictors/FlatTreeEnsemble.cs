using Microsoft.ML.Trainers.FastTree;

namespace Gyre.Learning.Predictors;

/// <summary>
/// A tree ensemble of ML.NET's (LightGBM or FastTree) laid out flat for evaluation one row at a
/// time: every split of every tree in one array of 16-byte nodes, every leaf in another. It gives
/// what ML.NET's own evaluation gives: each tree goes left when the feature is at most the
/// threshold, a tree of one leaf adds 0, and the leaves are summed in double precision in tree
/// order. Trees with categorical splits are not flattened (<see cref="From"/> returns null).
/// </summary>
internal sealed class FlatTreeEnsemble
{
    /// <summary>A split: a child that is not negative is a node, a negative one is <c>~leaf</c>.</summary>
    private readonly record struct Split(int Feature, float Threshold, int Left, int Right);

    private readonly Split[] _splits;
    private readonly double[] _leaves;

    /// <summary>Each tree's first node, or <c>~leaf</c> for a tree that is one leaf.</summary>
    private readonly int[] _roots;

    private FlatTreeEnsemble(Split[] splits, double[] leaves, int[] roots, int features)
    {
        _splits = splits;
        _leaves = leaves;
        _roots = roots;
        Features = features;
    }

    /// <summary>How many features a row needs: one more than the highest feature a split reads.</summary>
    public int Features { get; }

    public static FlatTreeEnsemble? From(RegressionTreeEnsemble ensemble)
    {
        var splits = new List<Split>();
        var leaves = new List<double>();
        var roots = new int[ensemble.Trees.Count];
        var features = 0;
        for (var t = 0; t < roots.Length; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.NumberOfNodes == 0)
            {
                // ML.NET answers 0 for a tree of one leaf, whatever the leaf's value.
                roots[t] = ~leaves.Count;
                leaves.Add(0.0);
                continue;
            }
            if (tree.CategoricalSplitFlags.Any(c => c))
            {
                return null;
            }
            int Child(int child, int nodeBase, int leafBase) => child >= 0 ? nodeBase + child : ~(leafBase + ~child);
            var (nodeBase, leafBase) = (splits.Count, leaves.Count);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var feature = tree.NumericalSplitFeatureIndexes[n];
                features = Math.Max(features, feature + 1);
                splits.Add(new Split(feature, tree.NumericalSplitThresholds[n],
                    Child(tree.LeftChild[n], nodeBase, leafBase), Child(tree.RightChild[n], nodeBase, leafBase)));
            }
            leaves.AddRange(tree.LeafValues);
            roots[t] = nodeBase;
        }
        return new FlatTreeEnsemble([.. splits], [.. leaves], roots, features);
    }

    /// <summary>The sum of the trees' outputs for one row of features.</summary>
    public double Output(ReadOnlySpan<float> features)
    {
        var splits = _splits;
        var sum = 0.0;
        foreach (var root in _roots)
        {
            var node = root;
            while (node >= 0)
            {
                ref readonly var split = ref splits[node];
                node = features[split.Feature] <= split.Threshold ? split.Left : split.Right;
            }
            sum += _leaves[~node];
        }
        return sum;
    }
}
