namespace RealtimeDecode.Engine.Connectivity;

/// <summary>
/// The layout shared by connectivity features and model coefficients: one value per unordered ROI
/// pair, the strict upper triangle <c>i &lt; j</c> of an R×R matrix in row-major order
/// (0-1, 0-2, …, 0-(R-1), 1-2, …, (R-2)-(R-1)), R(R−1)/2 values. The connectivity kernel writes
/// its output in this order, connectivity tables name their columns in it, model packages store
/// coefficients in it and the dashboard and explanations read it back; this class is the only place
/// that knows the arithmetic.
/// </summary>
public static class EdgeLayout
{
    /// <summary>R(R−1)/2 for any R an <see cref="int"/> holds, however many edges that makes: for checking a count before
    /// it is made (<see cref="EdgeCount"/> refuses one an array cannot hold).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is negative.</exception>
    public static long PairCount(int nodeCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodeCount);
        return (long)nodeCount * (nodeCount - 1) / 2;
    }

    /// <summary>The number of unordered pairs, R(R−1)/2.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nodeCount"/> is negative or so large the count overflows.</exception>
    public static int EdgeCount(int nodeCount)
    {
        long count = PairCount(nodeCount);
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(nodeCount), $"{nodeCount} nodes give {count} edges, more than an array holds.");
        }

        return (int)count;
    }

    /// <summary>
    /// The node count R with R(R−1)/2 = <paramref name="edgeCount"/>, or −1 when
    /// <paramref name="edgeCount"/> is not such a triangular number.
    /// </summary>
    public static int TryNodeCount(int edgeCount)
    {
        if (edgeCount < 0)
        {
            return -1;
        }

        int r = (int)Math.Round((1 + Math.Sqrt(1 + 8.0 * edgeCount)) / 2);
        for (int candidate = Math.Max(0, r - 1); candidate <= r + 1; candidate++)
        {
            if ((long)candidate * (candidate - 1) / 2 == edgeCount)
            {
                return candidate;
            }
        }

        return -1;
    }

    /// <summary>The position of pair (<paramref name="i"/>, <paramref name="j"/>), in either order, in the edge vector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, R) or <paramref name="i"/> = <paramref name="j"/>.</exception>
    public static int Index(int i, int j, int nodeCount)
    {
        if ((uint)i >= (uint)nodeCount || (uint)j >= (uint)nodeCount || i == j)
        {
            throw new ArgumentOutOfRangeException(nameof(i), $"Pair ({i}, {j}) is not an edge of a {nodeCount}-node graph.");
        }

        if (i > j)
        {
            (i, j) = (j, i);
        }

        return (int)RowStart(i, nodeCount) + (j - i - 1);
    }

    /// <summary>
    /// The position of the first edge of row <paramref name="i"/>, (i, i + 1): rows 0 … i − 1 hold
    /// (R − 1) + (R − 2) + … + (R − i) = i(2R − i − 1)/2 edges. No range check (kernels call it per row).
    /// </summary>
    public static long RowStart(int i, int nodeCount) => (long)i * (2L * nodeCount - i - 1) / 2;

    /// <summary>
    /// Edge names <c>&lt;a&gt;~&lt;b&gt;</c> in layout order, as connectivity tables and model packages
    /// name their features.
    /// </summary>
    public static string[] Names(IReadOnlyList<string> nodeNames)
    {
        ArgumentNullException.ThrowIfNull(nodeNames);
        int r = nodeNames.Count;
        var names = new string[EdgeCount(r)];
        for (int i = 0, k = 0; i < r; i++)
            for (int j = i + 1; j < r; j++)
                names[k++] = Name(nodeNames[i], nodeNames[j]);
        return names;
    }

    /// <summary>The name of the edge between nodes named <paramref name="a"/> and <paramref name="b"/>: <c>a~b</c>.</summary>
    public static string Name(string a, string b) => a + "~" + b;

    /// <summary>The pair (i, j), i &lt; j, stored at <paramref name="index"/>.</summary>
    public static (int I, int J) Endpoints(int index, int nodeCount)
    {
        int edgeCount = EdgeCount(nodeCount);
        if ((uint)index >= (uint)edgeCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Edge index {index} is outside [0, {edgeCount}) for {nodeCount} nodes.");
        }

        int i = 0;
        int rowStart = 0;
        while (rowStart + (nodeCount - i - 1) <= index)
        {
            rowStart += nodeCount - i - 1;
            i++;
        }

        return (i, i + 1 + (index - rowStart));
    }

    /// <summary>
    /// Writes the symmetric R×R matrix (row-major, zero diagonal) whose entries (i, j) and (j, i)
    /// both hold <c>edges[Index(i, j)]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not have R(R−1)/2 and R² elements.</exception>
    public static void ToSymmetricMatrix(ReadOnlySpan<double> edges, int nodeCount, Span<double> matrix)
    {
        CheckLengths(edges.Length, matrix.Length, nodeCount);
        int k = 0;
        for (int i = 0; i < nodeCount; i++)
        {
            matrix[i * nodeCount + i] = 0;
            for (int j = i + 1; j < nodeCount; j++, k++)
            {
                matrix[i * nodeCount + j] = edges[k];
                matrix[j * nodeCount + i] = edges[k];
            }
        }
    }

    /// <summary>Allocating form of <see cref="ToSymmetricMatrix(ReadOnlySpan{double}, int, Span{double})"/>.</summary>
    public static double[] ToSymmetricMatrix(ReadOnlySpan<double> edges, int nodeCount)
    {
        var matrix = new double[checked(nodeCount * nodeCount)];
        ToSymmetricMatrix(edges, nodeCount, matrix);
        return matrix;
    }

    /// <summary>
    /// Reads the strict upper triangle of a row-major R×R matrix into an edge vector. The lower
    /// triangle and the diagonal are ignored (symmetry is not checked).
    /// </summary>
    /// <exception cref="ArgumentException">The spans do not have R² and R(R−1)/2 elements.</exception>
    public static void FromSymmetricMatrix(ReadOnlySpan<double> matrix, int nodeCount, Span<double> edges)
    {
        CheckLengths(edges.Length, matrix.Length, nodeCount);
        int k = 0;
        for (int i = 0; i < nodeCount; i++)
        {
            for (int j = i + 1; j < nodeCount; j++, k++)
            {
                edges[k] = matrix[i * nodeCount + j];
            }
        }
    }

    /// <summary>Allocating form of <see cref="FromSymmetricMatrix(ReadOnlySpan{double}, int, Span{double})"/>.</summary>
    public static double[] FromSymmetricMatrix(ReadOnlySpan<double> matrix, int nodeCount)
    {
        var edges = new double[EdgeCount(nodeCount)];
        FromSymmetricMatrix(matrix, nodeCount, edges);
        return edges;
    }

    private static void CheckLengths(int edgeLength, int matrixLength, int nodeCount)
    {
        int expectedEdges = EdgeCount(nodeCount);
        if (edgeLength != expectedEdges || matrixLength != (long)nodeCount * nodeCount)
        {
            throw new ArgumentException(
                $"A {nodeCount}-node graph needs {expectedEdges} edge values and a {nodeCount}x{nodeCount} matrix; got {edgeLength} edge values and {matrixLength} matrix values.");
        }
    }
}
