using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class WeightedJaccardTests
{
    [Fact]
    public void Distance_HandExample_MinOverMaxOnUnion()
    {
        WeightedEdge[] a = [new(0, 1, 2), new(1, 2, 1)];
        WeightedEdge[] b = [new(1, 0, 1), new(2, 3, 3)];
        // union: (0,1): min 1 max 2; (1,2): min 0 max 1; (2,3): min 0 max 3.
        Assert.Equal(1 - 1.0 / 6.0, WeightedJaccard.Distance(a, b), 1e-15);
        Assert.Equal(WeightedJaccard.Distance(a, b), WeightedJaccard.Distance(b, a));
    }

    [Fact]
    public void Distance_IdenticalAndDisjoint_ZeroAndOne()
    {
        WeightedEdge[] a = [new(0, 1, 2), new(1, 2, 1)];
        WeightedEdge[] b = [new(0, 2, 2), new(2, 3, 1)];

        Assert.Equal(0, WeightedJaccard.Distance(a, a));
        Assert.Equal(1, WeightedJaccard.Distance(a, b));
    }

    [Fact]
    public void Distance_AllZeroWeights_IsNaN()
    {
        WeightedEdge[] a = [new(0, 1, 0)];

        Assert.True(double.IsNaN(WeightedJaccard.Distance(a, a)));
    }

    [Fact]
    public void Distance_NegativeWeight_Throws()
    {
        Assert.Throws<ArgumentException>(() => WeightedJaccard.Distance([new(0, 1, -1)], [new(0, 1, 1)]));
    }
}
