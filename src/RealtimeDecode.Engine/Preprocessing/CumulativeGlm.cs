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
/// is exactly 0. A NaN sample of a channel is skipped for that channel (output NaN); a non-finite
/// regressor value skips the whole frame (all NaN).
/// </summary>
/// <remarks>
/// Channels that have never skipped a sample share one regressor history, so their x̄ and Σ(x-x̄)(x-x̄)ᵀ
/// are kept once and factorised once per frame: with g = (Σ(x-x̄)(x-x̄)ᵀ)⁻¹(x − x̄) the residual is
/// (y − ȳ) − gᵀΣ(x-x̄)(y-ȳ), O(q) per channel. A channel gets its own copy of the regressor
/// co-moments at its first NaN and is solved on its own from then on (O(q³) per frame).
/// </remarks>
internal sealed class CumulativeGlm
{
    /// <summary>Relative pivot below which a regressor counts as collinear with the earlier ones.</summary>
    internal const double PivotTolerance = 1e-11;

    private readonly int _channels;
    private readonly int _q;
    // Shared history of the channels that never skipped a sample.
    private long _sharedCount;
    private readonly double[] _sharedXMean;
    private readonly double[] _sharedCxx;
    // Per channel.
    private readonly bool[] _private;
    private readonly long[] _count;     // private channels only
    private readonly double[] _yMean;
    private readonly double[] _xMean;   // channel × q (private channels)
    private readonly double[] _cxx;     // channel × q × q, upper triangle used (private channels)
    private readonly double[] _cxy;     // channel × q
    // Scratch.
    private readonly double[] _dx;
    private readonly double[] _lastDx;  // x − x̄ before the last Welford step
    private readonly double[] _sharedDx;
    private readonly double[] _g;
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
        _sharedXMean = new double[regressors];
        _sharedCxx = new double[regressors * regressors];
        _private = new bool[channels];
        _count = new long[channels];
        _yMean = new double[channels];
        _xMean = new double[channels * regressors];
        _cxx = new double[channels * regressors * regressors];
        _cxy = new double[channels * regressors];
        _dx = new double[regressors];
        _lastDx = new double[regressors];
        _sharedDx = new double[regressors];
        _g = new double[regressors];
        _beta = new double[regressors];
        _a = new double[regressors * regressors];
        _scale = new double[regressors];
        _dropped = new bool[regressors];
    }

    public int Channels => _channels;
    public int Regressors => _q;

    /// <summary>Samples used so far by channel <paramref name="c"/>.</summary>
    public long Count(int c) => _private[c] ? _count[c] : _sharedCount;

    public void Reset()
    {
        _sharedCount = 0;
        Array.Clear(_sharedXMean);
        Array.Clear(_sharedCxx);
        Array.Clear(_private);
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

        // A shared channel with a NaN now leaves the shared history: it keeps a copy of it as it
        // stands before this frame.
        for (int c = 0; c < _channels; c++)
        {
            if (_private[c] || !double.IsNaN(y[c])) continue;
            _private[c] = true;
            _count[c] = _sharedCount;
            _sharedXMean.CopyTo(_xMean.AsSpan(c * q, q));
            _sharedCxx.CopyTo(_cxx.AsSpan(c * q * q, q * q));
        }

        // Shared history: update once, factorise once, g = C⁺(x − x̄).
        long n = ++_sharedCount;
        double inv = 1.0 / n;
        double f = (n - 1) * inv;
        if (n == 1) x.CopyTo(_sharedXMean);
        else
        {
            UpdateX(x, _sharedXMean, _sharedCxx, f, inv);
            _lastDx.CopyTo(_sharedDx, 0);    // private channels below overwrite _lastDx
        }
        int sharedKept = 0;
        if (n > 1)
        {
            sharedKept = Factor(_sharedCxx);
            for (int k = 0; k < q; k++) _dx[k] = x[k] - _sharedXMean[k];
            SolveFactored(_dx, _g);
        }

        for (int c = 0; c < _channels; c++)
        {
            double yc = y[c];
            if (_private[c])
            {
                residual[c] = double.IsNaN(yc) ? double.NaN : PushPrivate(c, x, yc);
                continue;
            }
            var cxy = _cxy.AsSpan(c * q, q);
            if (n == 1)
            {
                _yMean[c] = yc;
                residual[c] = 0;
                continue;
            }
            double dy = yc - _yMean[c];
            _yMean[c] += dy * inv;
            double fdy = f * dy;
            for (int k = 0; k < q; k++) cxy[k] += _sharedDx[k] * fdy;
            if (n <= 1 + sharedKept) { residual[c] = 0; continue; }
            double fit = 0;
            for (int k = 0; k < q; k++) fit += _g[k] * cxy[k];
            residual[c] = (yc - _yMean[c]) - fit;
        }
    }

    private double PushPrivate(int c, ReadOnlySpan<double> x, double yc)
    {
        int q = _q;
        long n = ++_count[c];
        var xm = _xMean.AsSpan(c * q, q);
        var cxx = _cxx.AsSpan(c * q * q, q * q);
        var cxy = _cxy.AsSpan(c * q, q);
        if (n == 1)
        {
            x.CopyTo(xm);
            _yMean[c] = yc;
            return 0;
        }
        double inv = 1.0 / n;
        double f = (n - 1) * inv;
        double dy = yc - _yMean[c];
        _yMean[c] += dy * inv;
        UpdateX(x, xm, cxx, f, inv);
        for (int k = 0; k < q; k++) cxy[k] += f * _lastDx[k] * dy;
        int kept = Factor(cxx);
        // n samples and n independent columns (intercept + kept): the fit interpolates, so the
        // residual is exactly 0 rather than rounding noise (which a later z-score would amplify).
        if (n <= 1 + kept) return 0;
        SolveFactored(cxy, _beta);
        double fit = 0;
        for (int k = 0; k < q; k++) fit += (x[k] - xm[k]) * _beta[k];
        return (yc - _yMean[c]) - fit;
    }

    // Welford step of the regressor mean and co-moments; leaves x − x̄_old in _lastDx.
    private void UpdateX(ReadOnlySpan<double> x, Span<double> xm, Span<double> cxx, double f, double inv)
    {
        int q = _q;
        for (int k = 0; k < q; k++)
        {
            double d = x[k] - xm[k];
            _lastDx[k] = d;
            xm[k] += d * inv;
        }
        for (int k = 0; k < q; k++)
        {
            double fk = f * _lastDx[k];
            var row = cxx.Slice(k * q, q);
            for (int l = k; l < q; l++) row[l] += fk * _lastDx[l];
        }
    }

    // LDLᵀ of the Jacobi-scaled co-moment matrix (upper triangle of cxx) into _a, _scale, _dropped;
    // returns the number of regressors kept (not collinear with the intercept and the earlier ones).
    private int Factor(ReadOnlySpan<double> cxx)
    {
        int q = _q;
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
        // On the scaled system the diagonal is 1 (or 0), so a pivot is the fraction of the
        // regressor's variance not explained by the regressors before it.
        int kept = 0;
        for (int k = 0; k < q; k++)
        {
            double p = a[k * q + k];
            for (int m = 0; m < k; m++)
                if (!_dropped[m]) p -= a[k * q + m] * a[k * q + m] * a[m * q + m];
            _dropped[k] = !(p > PivotTolerance);
            a[k * q + k] = p;
            if (_dropped[k]) continue;
            kept++;
            for (int i = k + 1; i < q; i++)
            {
                double v = a[i * q + k];
                for (int m = 0; m < k; m++)
                    if (!_dropped[m]) v -= a[i * q + m] * a[k * q + m] * a[m * q + m];
                a[i * q + k] = v / p;
            }
        }
        return kept;
    }

    // Solves the factorised system for rhs; dropped regressors get 0. The implied inverse
    // S·(kept block)⁻¹·S is symmetric, which the shared path relies on.
    private void SolveFactored(ReadOnlySpan<double> rhs, Span<double> z)
    {
        int q = _q;
        var a = _a;
        for (int i = 0; i < q; i++)
        {
            if (_dropped[i]) { z[i] = 0; continue; }
            double v = rhs[i] * _scale[i];
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
        for (int i = 0; i < q; i++) z[i] *= _scale[i];
    }
}
