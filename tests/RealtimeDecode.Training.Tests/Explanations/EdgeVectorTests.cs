using RealtimeDecode.Training.Explanations;

namespace RealtimeDecode.Training.Tests.Explanations;

public sealed class EdgeVectorTests
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
                Assert.Equal(expected, EdgeVector.Index(i, j, n));
                Assert.Equal(expected, EdgeVector.Index(j, i, n));
                Assert.Equal((i, j), EdgeVector.Endpoints(expected, n));
            }
        }

        Assert.Equal(EdgeVector.EdgeCount(n), expected);
    }

    [Fact]
    public void EdgeCount_400Rois_Is79800AndInvertible()
    {
        Assert.Equal(79_800, EdgeVector.EdgeCount(400));
        Assert.Equal(400, EdgeVector.TryNodeCount(79_800));
        Assert.Equal(-1, EdgeVector.TryNodeCount(79_801));
        Assert.Equal(2, EdgeVector.TryNodeCount(1));
    }

    [Fact]
    public void ToSymmetricMatrix_RoundTrip_SymmetricZeroDiagonalAndSameVector()
    {
        const int n = 6;
        var edges = Enumerable.Range(1, EdgeVector.EdgeCount(n)).Select(k => k * 0.5 - 3).ToArray();

        var matrix = EdgeVector.ToSymmetricMatrix(edges, n);

        for (int i = 0; i < n; i++)
        {
            Assert.Equal(0, matrix[i * n + i]);
            for (int j = i + 1; j < n; j++)
            {
                Assert.Equal(edges[EdgeVector.Index(i, j, n)], matrix[i * n + j]);
                Assert.Equal(matrix[i * n + j], matrix[j * n + i]);
            }
        }

        Assert.Equal(edges, EdgeVector.FromSymmetricMatrix(matrix, n));
    }

    [Fact]
    public void ToSymmetricMatrix_WrongLength_ThrowsWithBothShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => EdgeVector.ToSymmetricMatrix(new double[9], 5));
        Assert.Contains("10", ex.Message);
        Assert.Contains("9", ex.Message);
    }

    [Fact]
    public void Index_SelfPair_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeVector.Index(3, 3, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => EdgeVector.Index(0, 5, 5));
    }
}
