namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// A dense float64 matrix stored row-major in one array: rows are samples (volumes or windows),
/// columns are features or targets. Element (i, j) is <c>Data[i * Cols + j]</c>.
/// </summary>
public sealed class RowMajorMatrix
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    public RowMajorMatrix(double[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (data.LongLength != (long)rows * cols)
        {
            throw new ArgumentException($"data has {data.LongLength} values, expected {rows} × {cols}", nameof(data));
        }

        Data = data;
        Rows = rows;
        Cols = cols;
    }

    /// <summary>A zero matrix.</summary>
    public RowMajorMatrix(int rows, int cols)
        : this(new double[(long)rows * cols], rows, cols)
    {
    }

    /// <summary>Row-major elements.</summary>
    public double[] Data { get; }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Cols { get; }

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j]
    {
        get => Data[((long)i * Cols) + j];
        set => Data[((long)i * Cols) + j] = value;
    }

    /// <summary>Row i.</summary>
    public Span<double> Row(int i) => Data.AsSpan((int)((long)i * Cols), Cols);

    /// <summary>A new matrix of the given rows, in the given order.</summary>
    public RowMajorMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var m = new RowMajorMatrix(rows.Count, Cols);
        for (int k = 0; k < rows.Count; k++)
        {
            Row(rows[k]).CopyTo(m.Row(k));
        }

        return m;
    }

    /// <summary>Column j as a new array.</summary>
    public double[] Column(int j)
    {
        var c = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            c[i] = this[i, j];
        }

        return c;
    }

    /// <summary>The transpose as a new matrix.</summary>
    public RowMajorMatrix Transpose()
    {
        var t = new RowMajorMatrix(Cols, Rows);
        const int B = 64;
        for (int i0 = 0; i0 < Rows; i0 += B)
        {
            for (int j0 = 0; j0 < Cols; j0 += B)
            {
                for (int i = i0; i < Math.Min(i0 + B, Rows); i++)
                {
                    for (int j = j0; j < Math.Min(j0 + B, Cols); j++)
                    {
                        t[j, i] = this[i, j];
                    }
                }
            }
        }

        return t;
    }
}
