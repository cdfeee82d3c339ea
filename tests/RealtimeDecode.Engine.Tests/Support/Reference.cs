using MathNet.Numerics.LinearAlgebra;

namespace RealtimeDecode.Engine.Tests.Support;

/// <summary>From-scratch (batch) definitions the incremental kernels are checked against.</summary>
internal static class Reference
{
    /// <summary>Two-pass weighted Pearson correlation of rows [start, end) of a row-major series; upper triangle i &lt; j.</summary>
    public static double[] WeightedCorrelation(double[] series, int rois, int start, int end, Func<int, double> weight)
    {
        var mean = new double[rois];
        double ws = 0;
        for (int t = start; t < end; t++)
        {
            double w = weight(t);
            ws += w;
            for (int i = 0; i < rois; i++) mean[i] += w * series[t * rois + i];
        }
        for (int i = 0; i < rois; i++) mean[i] /= ws;
        var cov = new double[rois, rois];
        for (int t = start; t < end; t++)
        {
            double w = weight(t);
            for (int i = 0; i < rois; i++)
                for (int j = i; j < rois; j++)
                    cov[i, j] += w * (series[t * rois + i] - mean[i]) * (series[t * rois + j] - mean[j]);
        }
        var r = new double[rois * (rois - 1) / 2];
        int p = 0;
        for (int i = 0; i < rois; i++)
            for (int j = i + 1; j < rois; j++)
                r[p++] = cov[i, i] > 0 && cov[j, j] > 0 ? cov[i, j] / Math.Sqrt(cov[i, i] * cov[j, j]) : 0;
        return r;
    }

    /// <summary>Residual of row <paramref name="last"/> from the least-squares fit of y[0..last] on the design rows (QR).</summary>
    public static double LastResidual(Func<int, double[]> designRow, Func<int, double> y, int last)
    {
        int n = last + 1;
        int q = designRow(0).Length;
        var a = Matrix<double>.Build.Dense(n, q, (r, c) => designRow(r)[c]);
        var b = Vector<double>.Build.Dense(n, y);
        if (n <= q) return 0;
        var beta = a.QR().Solve(b);
        return y(last) - a.Row(last) * beta;
    }
}
