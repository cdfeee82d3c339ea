namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// Per-channel ordinary least squares with an intercept, fitted over all samples seen so far, that
/// returns the residual of the newest sample. Each channel keeps Welford-style centred co-moments
/// (means of x and y, Σ(x-x̄)(x-x̄)ᵀ, Σ(x-x̄)(y-ȳ)), so large offsets cause no cancellation; each
/// step solves the small system with Jacobi scaling and an LDLᵀ factorisation that drops a
/// regressor whose pivot falls below <see cref="PivotTolerance"/> of its scaled diagonal (a column
/// spanned by the earlier ones): the fitted values, and hence the residual, are still the exact
/// least-squares projection, as with a minimum-norm solver. While a channel's samples are no more
/// than its independent columns (intercept + kept regressors) the fit interpolates and the residual
/// is exactly 0. A NaN sample of a channel is skipped
/// for that channel (output NaN); a non-finite regressor value skips the whole frame (all NaN).
/// </summary>
internal sealed class CumulativeGlm
{
    /// <summary>Relative pivot below which a regressor counts as collinear with the earlier ones.</summary>
    internal const double PivotTolerance = 1e-11;

    private readonly int _channels;
    private readonly int _q;
    private readonly long[] _count;
    private readonly double[] _yMean;
    private readonly double[] _xMean;   // channel × q
    private readonly double[] _cxx;     // channel × q × q (full symmetric)
    private readonly double[] _cxy;     // channel × q
    private readonly double[] _dx;
    private readonly double[] _beta;
    private readonly double[] _a;       // scaled system q × q (LDLᵀ in place)
    private readonly double[] _scale;
    private readonly bool[] _dropped;

    public CumulativeGlm(int channels, int regressors)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(regressors);
        _channels = channels;
        _q = regressors;
        _count = new long[channels];
        _yMean = new double[channels];
        _xMean = new double[channels * regressors];
        _cxx = new double[channels * regressors * regressors];
        _cxy = new double[channels * regressors];
        _dx = new double[regressors];
        _beta = new double[regressors];
        _a = new double[regressors * regressors];
        _scale = new double[regressors];
        _dropped = new bool[regressors];
    }

    public int Channels => _channels;
    public int Regressors => _q;

    /// <summary>Samples used so far by channel <paramref name="c"/>.</summary>
    public long Count(int c) => _count[c];

    public void Reset()
    {
        Array.Clear(_count);
        Array.Clear(_yMean);
        Array.Clear(_xMean);
        Array.Clear(_cxx);
        Array.Clear(_cxy);
    }

    /// <summary>Adds one sample (regressors <paramref name="x"/>, one value per channel in <paramref name="y"/>) and writes residuals.</summary>
    public void Push(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> residual)
    {
        int q = _q;
        foreach (double v in x)
        {
            if (!double.IsFinite(v))
            {
                residual.Fill(double.NaN);
                return;
            }
        }
        for (int c = 0; c < _channels; c++)
        {
            double yc = y[c];
            if (double.IsNaN(yc)) { residual[c] = double.NaN; continue; }
            long n = ++_count[c];
            var xm = _xMean.AsSpan(c * q, q);
            var cxx = _cxx.AsSpan(c * q * q, q * q);
            var cxy = _cxy.AsSpan(c * q, q);
            if (n == 1)
            {
                x.CopyTo(xm);
                _yMean[c] = yc;
                residual[c] = 0;
                continue;
            }
            double inv = 1.0 / n;
            double f = (n - 1) * inv;
            double dy = yc - _yMean[c];
            _yMean[c] += dy * inv;
            for (int k = 0; k < q; k++)
            {
                double d = x[k] - xm[k];
                _dx[k] = d;
                xm[k] += d * inv;
            }
            for (int k = 0; k < q; k++)
            {
                double fk = f * _dx[k];
                cxy[k] += fk * dy;
                var row = cxx.Slice(k * q, q);
                for (int l = k; l < q; l++) row[l] += fk * _dx[l];
            }
            int kept = Solve(cxx, cxy);
            // n samples and n independent columns (intercept + kept): the fit interpolates, so the
            // residual is exactly 0 rather than rounding noise (which a later z-score would amplify).
            if (n <= 1 + kept) { residual[c] = 0; continue; }
            double fit = 0;
            for (int k = 0; k < q; k++) fit += (x[k] - xm[k]) * _beta[k];
            residual[c] = (yc - _yMean[c]) - fit;
        }
    }

    // Solves cxx β = cxy (upper triangle of cxx holds the co-moments) into _beta; returns the
    // number of regressors kept (not collinear with the intercept and the earlier ones).
    private int Solve(ReadOnlySpan<double> cxx, ReadOnlySpan<double> cxy)
    {
        int q = _q;
        if (q == 0) return 0;
        var a = _a;
        for (int k = 0; k < q; k++)
        {
            double d = cxx[k * q + k];
            _scale[k] = d > 0 ? 1.0 / Math.Sqrt(d) : 0;
        }
        for (int k = 0; k < q; k++)
            for (int l = k; l < q; l++)
            {
                double v = cxx[k * q + l] * _scale[k] * _scale[l];
                a[k * q + l] = v;
                a[l * q + k] = v;
            }
        // LDLᵀ without pivoting; on the scaled system the diagonal is 1 (or 0), so a pivot is the
        // fraction of the regressor's variance not explained by the regressors before it.
        for (int k = 0; k < q; k++)
        {
            double p = a[k * q + k];
            for (int m = 0; m < k; m++)
                if (!_dropped[m]) p -= a[k * q + m] * a[k * q + m] * a[m * q + m];
            _dropped[k] = !(p > PivotTolerance);
            a[k * q + k] = p;
            if (_dropped[k]) continue;
            for (int i = k + 1; i < q; i++)
            {
                double v = a[i * q + k];
                for (int m = 0; m < k; m++)
                    if (!_dropped[m]) v -= a[i * q + m] * a[k * q + m] * a[m * q + m];
                a[i * q + k] = v / p;
            }
        }
        // Forward (L z = b), diagonal, backward (Lᵀ β = z); dropped regressors get β = 0.
        var z = _beta;
        for (int i = 0; i < q; i++)
        {
            if (_dropped[i]) { z[i] = 0; continue; }
            double v = cxy[i] * _scale[i];
            for (int m = 0; m < i; m++) if (!_dropped[m]) v -= a[i * q + m] * z[m];
            z[i] = v;
        }
        for (int i = 0; i < q; i++) if (!_dropped[i]) z[i] /= a[i * q + i];
        for (int i = q - 1; i >= 0; i--)
        {
            if (_dropped[i]) continue;
            double v = z[i];
            for (int m = i + 1; m < q; m++) if (!_dropped[m]) v -= a[m * q + i] * z[m];
            z[i] = v;
        }
        int kept = 0;
        for (int i = 0; i < q; i++)
        {
            z[i] *= _scale[i];
            if (!_dropped[i]) kept++;
        }
        return kept;
    }
}
