using RealtimeDecode.Engine.Connectivity;

namespace RealtimeDecode.Engine.Tests.Connectivity;

public sealed class EdgeLayoutTests
{
    [Fact]
    public void Index_AllPairs_RowMajorUpperTriangleAndInverseOfEndpoints()
    {
        const int n = 7;
        int expected = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++, expected++)
            {
                Assert.Equal(expected, EdgeLayout.Index(i, j, n));
                Assert.Equal(expected, EdgeLayout.Index(j, i, n));
                Assert.Equal((i, j), EdgeLayout.Endpoints(expected, n));
            }
        }

        Assert.Equal(EdgeLayout.EdgeCount(n), expected);
    }

    [Fact]
    public void EdgeCount_400Rois_Is79800AndInvertible()
    {
        Assert.Equal(79_800, EdgeLayout.EdgeCount(400));
        Assert.Equal(400, EdgeLayout.TryNodeCount(79_800));
        Assert.Equal(-1, EdgeLayout.TryNodeCount(79_801));
        Assert.Equal(2, EdgeLayout.TryNodeCount(1));
    }

    [Fact]
    public void ToSymmetricMatrix_RoundTrip_SymmetricZeroDiagonalAndSameVector()
    {
        const int n = 6;
        var edges = Enumerable.Range(1, EdgeLayout.EdgeCount(n)).Select(k => k * 0.5 - 3).ToArray();

        var matrix = EdgeLayout.ToSymmetricMatrix(edges, n);

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, matrix[i * n + i]);
            for (int j = i + 1; j < n; j++)
            {
                Assert.Equal(edges[EdgeLayout.Index(i, j, n)], matrix[i * n + j]);
                Assert.Equal(matrix[i * n + j], matrix[j * n + i]);
            }
        }

        Assert.Equal(edges, EdgeLayout.FromSymmetricMatrix(matrix, n));
    }

    [Fact]
    public void ToSymmetricMatrix_WrongLength_ThrowsWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => EdgeLayout.ToSymmetricMatrix(new double[9], 5));
        Assert.Contains("10", ex.Message);
        Assert.Contains("9", ex.Message);
    }

    [Fact]
    public void Index_SelfPair_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeLayout.Index(3, 3, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeLayout.Index(0, 5, 5));
    }

    [Fact]
    public void Names_FollowIndexOrder_AndRowStartIsFirstEdgeOfRow()
    {
        var names = EdgeLayout.Names(["a", "b", "c", "d"]);
        Assert.Equal(["a~b", "a~c", "a~d", "b~c", "b~d", "c~d"], names);
        for (int i = 0; i < 3; i++)
            Assert.Equal(EdgeLayout.Index(i, i + 1, 4), EdgeLayout.RowStart(i, 4));
        Assert.Empty(EdgeLayout.Names(["only"]));
    }

    [Fact]
    public void KernelOutput_IsInLayoutOrder()
    {
        // ROI 1 copies ROI 0, ROI 2 is its negative, ROI 3 is independent: only the layout positions of
        // (0, 1) and (1, 2) and (0, 2) carry ±1.
        const int w = 6;
        var k = new SlidingWindowCorrelation(4, new SlidingWindowOptions { Window = w, FisherZ = false });
        var edges = new double[EdgeLayout.EdgeCount(4)];
        double[] a = [1, 4, 2, 8, 5, 7], b = [3, 1, 4, 1, 5, 9];
        bool ready = false;
        for (int t = 0; t < w; t++) ready = k.Push([a[t], a[t], -a[t], b[t]], edges);
        Assert.True(ready);
        Assert.Equal(1.0, edges[EdgeLayout.Index(0, 1, 4)], 12);
        Assert.Equal(-1.0, edges[EdgeLayout.Index(0, 2, 4)], 12);
        Assert.Equal(-1.0, edges[EdgeLayout.Index(1, 2, 4)], 12);
        Assert.True(Math.Abs(edges[EdgeLayout.Index(2, 3, 4)]) < 1);
    }
}
