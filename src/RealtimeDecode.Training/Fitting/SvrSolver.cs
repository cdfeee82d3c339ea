namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// ε-SVR by sequential minimal optimisation, following libsvm 3.x (the solver inside scikit-learn's SVR):
/// the dual over 2l variables (α⁺, α⁻) with linear term ε ∓ y, working-set selection WSS2 (maximal
/// violating i, second-order choice of j), analytic two-variable update clipped to [0, C], stopping when
/// the maximal KKT violation m(α) − M(α) &lt; eps. The bias b = −ρ is the mean of y_i∇_i f over free
/// variables, or the midpoint of the bounds if none is free. No shrinking (shrinking changes only speed).
/// Kernel values are held as float32 as libsvm's cache does; gradients are float64.
/// </summary>
internal static class SvrSolver
{
    private const double Tau = 1e-12;

    /// <summary>The solution for one target.</summary>
    /// <param name="Coefficients">α⁺ − α⁻ per training sample (zero for non-support vectors).</param>
    /// <param name="Intercept">b = −ρ.</param>
    /// <param name="Iterations">SMO iterations.</param>
    public sealed record Result(double[] Coefficients, double Intercept, int Iterations);

    /// <summary>
    /// Solves one target. <paramref name="kernel"/> is the l × l kernel matrix (row-major, float32),
    /// <paramref name="diagonal"/> its diagonal in float64.
    /// </summary>
    public static Result Solve(float[] kernel, double[] diagonal, ReadOnlySpan<double> y, double c, double epsilon, double eps = 1e-3, long maxIter = -1)
    {
        int l = y.Length;
        if (kernel.LongLength != (long)l * l)
        {
            throw new ArgumentException($"kernel has {kernel.LongLength} values, expected {l} × {l}", nameof(kernel));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(c);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        int l2 = 2 * l;
        var alpha = new double[l2];
        var g = new double[l2];
        var sign = new sbyte[l2];
        var qd = new double[l2];
        for (int i = 0; i < l; i++)
        {
            g[i] = epsilon - y[i];
            g[i + l] = epsilon + y[i];
            sign[i] = 1;
            sign[i + l] = -1;
            qd[i] = qd[i + l] = diagonal[i];
        }

        // α status: 0 lower bound, 1 upper bound, 2 free.
        var status = new byte[l2];
        long limit = maxIter > 0 ? maxIter : Math.Max(10_000_000L, 100L * l2);
        long iter = 0;
        while (iter < limit)
        {
            if (!SelectWorkingSet(kernel, l, sign, g, qd, status, eps, out int i, out int j))
            {
                break;
            }

            iter++;
            int ri = i < l ? i : i - l, rj = j < l ? j : j - l;
            float qij = sign[i] * sign[j] * kernel[((long)ri * l) + rj];
            double oldAi = alpha[i], oldAj = alpha[j];
            if (sign[i] != sign[j])
            {
                double quad = qd[i] + qd[j] + (2 * qij);
                if (quad <= 0)
                {
                    quad = Tau;
                }

                double delta = (-g[i] - g[j]) / quad;
                double diff = alpha[i] - alpha[j];
                alpha[i] += delta;
                alpha[j] += delta;
                if (diff > 0)
                {
                    if (alpha[j] < 0)
                    {
                        alpha[j] = 0;
                        alpha[i] = diff;
                    }
                }
                else if (alpha[i] < 0)
                {
                    alpha[i] = 0;
                    alpha[j] = -diff;
                }

                if (diff > 0)
                {
                    if (alpha[i] > c)
                    {
                        alpha[i] = c;
                        alpha[j] = c - diff;
                    }
                }
                else if (alpha[j] > c)
                {
                    alpha[j] = c;
                    alpha[i] = c + diff;
                }
            }
            else
            {
                double quad = qd[i] + qd[j] - (2 * qij);
                if (quad <= 0)
                {
                    quad = Tau;
                }

                double delta = (g[i] - g[j]) / quad;
                double sum = alpha[i] + alpha[j];
                alpha[i] -= delta;
                alpha[j] += delta;
                if (sum > c)
                {
                    if (alpha[i] > c)
                    {
                        alpha[i] = c;
                        alpha[j] = sum - c;
                    }
                }
                else if (alpha[j] < 0)
                {
                    alpha[j] = 0;
                    alpha[i] = sum;
                }

                if (sum > c)
                {
                    if (alpha[j] > c)
                    {
                        alpha[j] = c;
                        alpha[i] = sum - c;
                    }
                }
                else if (alpha[i] < 0)
                {
                    alpha[i] = 0;
                    alpha[j] = sum;
                }
            }

            double dai = alpha[i] - oldAi, daj = alpha[j] - oldAj;
            UpdateGradient(kernel, l, g, ri, sign[i], dai, rj, sign[j], daj);
            status[i] = Status(alpha[i], c);
            status[j] = Status(alpha[j], c);
        }

        // ρ as libsvm's calculate_rho.
        int nFree = 0;
        double ub = double.PositiveInfinity, lb = double.NegativeInfinity, sumFree = 0;
        for (int k = 0; k < l2; k++)
        {
            double yg = sign[k] * g[k];
            if (status[k] == 1)
            {
                if (sign[k] == -1)
                {
                    ub = Math.Min(ub, yg);
                }
                else
                {
                    lb = Math.Max(lb, yg);
                }
            }
            else if (status[k] == 0)
            {
                if (sign[k] == 1)
                {
                    ub = Math.Min(ub, yg);
                }
                else
                {
                    lb = Math.Max(lb, yg);
                }
            }
            else
            {
                nFree++;
                sumFree += yg;
            }
        }

        double rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
        var coef = new double[l];
        for (int k = 0; k < l; k++)
        {
            coef[k] = alpha[k] - alpha[k + l];
        }

        return new Result(coef, -rho, (int)Math.Min(iter, int.MaxValue));
    }

    private static byte Status(double a, double c) => a >= c ? (byte)1 : a <= 0 ? (byte)0 : (byte)2;

    // Q_i[k] = sign_i·sign_k·K[ri, rk] (float), G[k] += Q_i[k]·Δα_i + Q_j[k]·Δα_j, as libsvm orders it.
    private static void UpdateGradient(float[] kernel, int l, double[] g, int ri, sbyte si, double dai, int rj, sbyte sj, double daj)
    {
        var ki = new ReadOnlySpan<float>(kernel, ri * l, l);
        var kj = new ReadOnlySpan<float>(kernel, rj * l, l);
        float fsi = si, fsj = sj;
        for (int k = 0; k < l; k++)
        {
            float qi = fsi * ki[k], qj = fsj * kj[k];
            g[k] += (qi * dai) + (qj * daj);
            g[k + l] += (-qi * dai) + (-qj * daj);
        }
    }

    private static bool SelectWorkingSet(float[] kernel, int l, sbyte[] sign, double[] g, double[] qd, byte[] status, double eps, out int outI, out int outJ)
    {
        int l2 = 2 * l;
        double gmax = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        int gmaxIdx = -1, gminIdx = -1;
        double objDiffMin = double.PositiveInfinity;
        for (int t = 0; t < l2; t++)
        {
            if (sign[t] == 1)
            {
                if (status[t] != 1 && -g[t] >= gmax)
                {
                    gmax = -g[t];
                    gmaxIdx = t;
                }
            }
            else if (status[t] != 0 && g[t] >= gmax)
            {
                gmax = g[t];
                gmaxIdx = t;
            }
        }

        int i = gmaxIdx;
        int ri = i < 0 ? 0 : i < l ? i : i - l;
        float si = i < 0 ? 0 : sign[i];
        var ki = new ReadOnlySpan<float>(kernel, ri * l, l);
        for (int j = 0; j < l2; j++)
        {
            int rj = j < l ? j : j - l;
            if (sign[j] == 1)
            {
                if (status[j] != 0)
                {
                    double gradDiff = gmax + g[j];
                    if (g[j] >= gmax2)
                    {
                        gmax2 = g[j];
                    }

                    if (gradDiff > 0)
                    {
                        float qij = si * sign[j] * ki[rj];
                        double quad = qd[i] + qd[j] - (2.0 * si * qij);
                        double objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / Tau;
                        if (objDiff <= objDiffMin)
                        {
                            gminIdx = j;
                            objDiffMin = objDiff;
                        }
                    }
                }
            }
            else if (status[j] != 1)
            {
                double gradDiff = gmax - g[j];
                if (-g[j] >= gmax2)
                {
                    gmax2 = -g[j];
                }

                if (gradDiff > 0)
                {
                    float qij = si * sign[j] * ki[rj];
                    double quad = qd[i] + qd[j] + (2.0 * si * qij);
                    double objDiff = quad > 0 ? -(gradDiff * gradDiff) / quad : -(gradDiff * gradDiff) / Tau;
                    if (objDiff <= objDiffMin)
                    {
                        gminIdx = j;
                        objDiffMin = objDiff;
                    }
                }
            }
        }

        outI = gmaxIdx;
        outJ = gminIdx;
        return !(gmax + gmax2 < eps || gminIdx == -1);
    }
}
