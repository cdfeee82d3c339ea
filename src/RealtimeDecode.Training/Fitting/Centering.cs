using System.Numerics.Tensors;

namespace RealtimeDecode.Training.Fitting;

/// <summary>Column means and centred copies, as scikit-learn's fit_intercept preprocessing does.</summary>
internal static class Centering
{
    public static double[] ColumnMeans(RowMajorMatrix x)
    {
        var m = new double[x.Cols];
        for (int i = 0; i < x.Rows; i++)
        {
            TensorPrimitives.Add(m, x.Row(i), m);
        }

        TensorPrimitives.Divide(m, x.Rows, m);
        return m;
    }

    /// <summary>A copy of <paramref name="x"/> with <paramref name="means"/> subtracted from every row.</summary>
    public static RowMajorMatrix Subtract(RowMajorMatrix x, double[] means)
    {
        var c = new RowMajorMatrix(x.Rows, x.Cols);
        for (int i = 0; i < x.Rows; i++)
        {
            TensorPrimitives.Subtract(x.Row(i), means, c.Row(i));
        }

        return c;
    }

    /// <summary>Centres when <paramref name="fitIntercept"/> (returns means), otherwise copies nothing and returns zero means.</summary>
    public static (RowMajorMatrix Centred, double[] Means) Prepare(RowMajorMatrix x, bool fitIntercept)
    {
        if (!fitIntercept)
        {
            return (x, new double[x.Cols]);
        }

        var m = ColumnMeans(x);
        return (Subtract(x, m), m);
    }

    /// <summary>b_t = ȳ_t − x̄ · W_t for W row-major [targets × features].</summary>
    public static double[] Intercepts(double[] w, double[] xMean, double[] yMean)
    {
        int p = xMean.Length;
        var b = new double[yMean.Length];
        for (int t = 0; t < b.Length; t++)
        {
            b[t] = yMean[t] - TensorPrimitives.Dot(new ReadOnlySpan<double>(w, t * p, p), xMean);
        }

        return b;
    }
}
