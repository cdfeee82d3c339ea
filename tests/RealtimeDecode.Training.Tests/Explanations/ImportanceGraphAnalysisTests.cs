using RealtimeDecode.Engine.Connectivity;
using System.Diagnostics;
using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class ImportanceGraphAnalysisTests
{
    [Fact]
    public void Analyze_SignFlippedCoefficients_SameResultBecauseWeightsAreMagnitudes()
    {
        var rng = new Random(5);
        var coef = Enumerable.Range(0, EdgeLayout.EdgeCount(12)).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var analysis = new ImportanceGraphAnalysis(12);

        var a = analysis.Analyze(coef);
        var b = analysis.Analyze(coef.Select(x => -x).ToArray());

        Assert.Equal(a.MstEdges, b.MstEdges);
        Assert.Equal(a.Degree, b.Degree);
        Assert.Equal(0, ImportanceGraphAnalysis.Jaccard(a, b));
        Assert.All(a.MstEdges, e => Assert.True(e.Weight >= 0));
    }

    [Fact]
    public void Analyze_AllZeroCoefficients_SpansAsStarWithUndefinedModularity()
    {
        var r = new ImportanceGraphAnalysis(5).Analyze(new double[10]);

        Assert.Equal([(0, 1), (0, 2), (0, 3), (0, 4)], r.MstEdges.Select(e => (e.I, e.J)).ToArray());
        Assert.Equal(5, r.Communities.Count);
        Assert.True(double.IsNaN(r.Modularity));
        Assert.Equal(2, r.Diameter);
        Assert.Equal(1.0, r.Betweenness[0]);
    }

    [Fact]
    public void Analyze_Components_AgreeWithStandaloneKernels()
    {
        const int n = 30;
        var rng = new Random(9);
        var coef = Enumerable.Range(0, EdgeLayout.EdgeCount(n)).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var labels = Enumerable.Range(0, n).Select(v => v % 3 == 0 ? "Default" : "Vis").ToArray();

        var r = new ImportanceGraphAnalysis(n, labels).Analyze(coef);

        var tree = new MaximumSpanningTree(n).Compute(coef.Select(Math.Abs).ToArray());
        Assert.Equal(tree.Edges, r.MstEdges);
        Assert.Equal(GraphMetrics.TreeBetweenness(tree), r.Betweenness);
        Assert.Equal(["Default", "Vis"], r.Networks.Select(x => x.Network));
        Assert.Equal(10, r.Networks[0].NodeCount);
        Assert.Equal(Enumerable.Range(0, n).Where(v => v % 3 == 0).Average(v => r.Degree[v]), r.Networks[0].MeanDegree, 1e-12);
        for (int v = 0; v < n; v++)
        {
            Assert.Contains(v, r.Communities[r.CommunityOfNode[v]]);
        }

        Assert.Equal(2 * r.TotalWeight, r.Degree.Sum(), 1e-12);
    }

    [Fact]
    public void Analyze_WrongCoefficientCount_ThrowsWithBothCounts()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImportanceGraphAnalysis(5).Analyze(new double[11]));
        Assert.Contains("10", ex.Message);
        Assert.Contains("11", ex.Message);
    }

    [Fact]
    public void Analyze_NaNCoefficient_Throws()
    {
        var coef = new double[10];
        coef[3] = double.NaN;

        Assert.Throws<ArgumentException>(() => new ImportanceGraphAnalysis(5).Analyze(coef));
    }

    [Fact]
    public void Constructor_LabelCountMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ImportanceGraphAnalysis(5, ["a", "b"]));
    }

    [Fact]
    public void Jaccard_DifferentNodeCounts_Throws()
    {
        var a = new ImportanceGraphAnalysis(3).Analyze([1, 2, 3]);
        var b = new ImportanceGraphAnalysis(4).Analyze([1, 2, 3, 4, 5, 6]);

        Assert.Throws<ArgumentException>(() => ImportanceGraphAnalysis.Jaccard(a, b));
    }

    [Fact]
    public void Analyze_400RoisEightTargets_GivesSpanningTreesAndAllJaccards()
    {
        const int n = 400;
        var rng = new Random(1);
        var targets = Enumerable.Range(0, 8)
            .Select(_ => Enumerable.Range(0, EdgeLayout.EdgeCount(n)).Select(_ => rng.NextDouble() * 2 - 1).ToArray())
            .ToArray();
        var labels = Enumerable.Range(0, n).Select(v => $"net{v * 7 / n}").ToArray();
        var analysis = new ImportanceGraphAnalysis(n, labels);

        var results = targets.Select(t => analysis.Analyze(t)).ToArray();
        var jaccard = results.SelectMany(a => results.Select(b => ImportanceGraphAnalysis.Jaccard(a, b))).ToArray();

        Assert.All(results, r => Assert.Equal(n - 1, r.MstEdges.Count));
        Assert.Equal(64, jaccard.Length);
        Assert.All(Enumerable.Range(0, 8), i => Assert.Equal(0, jaccard[i * 8 + i], 12));
        Assert.All(jaccard, d => Assert.InRange(d, 0, 1));
    }
}
