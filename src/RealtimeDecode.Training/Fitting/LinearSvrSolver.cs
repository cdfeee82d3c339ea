using System.Numerics.Tensors;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Linear ε-insensitive SVR (scikit-learn LinearSVR, loss="epsilon_insensitive", dual=True): liblinear's
/// dual coordinate descent for L2-regularised L1-loss SVR (solve_l2r_l1l2_svr) minimising
/// ½‖w̃‖² + C Σ max(0, |y_i − w̃·x̃_i| − ε), where x̃ = [x, s] with s = intercept_scaling when fitting the
/// intercept, so the bias weight is regularised exactly as in liblinear/scikit-learn; intercept = s·w̃_p.
/// Coordinates are visited in a random order per epoch (System.Random with the given seed; liblinear's
/// own generator differs, so results agree with scikit-learn to the solver tolerance, not bit for bit),
/// with liblinear's shrinking. Stops when the projected-gradient L1 norm falls below tol times its first value.
/// </summary>
internal static class LinearSvrSolver
{
    /// <summary>Fits one target; returns w (features) and the intercept.</summary>
    public static (double[] W, double Intercept, int Iterations) Fit(
        RowMajorMatrix x, ReadOnlySpan<double> y, double c, double epsilon, double tol = 1e-4, int maxIter = 1000,
        bool fitIntercept = true, double interceptScaling = 1.0, int seed = 0)
    {
        int l = x.Rows, p = x.Cols;
        double s = fitIntercept ? interceptScaling : 0;
        var w = new double[p];
        double wb = 0;
        var beta = new double[l];
        var qd = new double[l];
        var index = new int[l];
        for (int i = 0; i < l; i++)
        {
            qd[i] = TensorPrimitives.Dot(x.Row(i), x.Row(i)) + (s * s);
            index[i] = i;
        }

        var rng = new Random(seed);
        int activeSize = l, iter = 0;
        double gmaxOld = double.PositiveInfinity, gnorm1Init = -1;
        const double lambda = 0; // L1-loss: no diagonal term, box [−C, C]
        while (iter < maxIter)
        {
            double gmaxNew = 0, gnorm1New = 0;
            for (int i = 0; i < activeSize; i++)
            {
                int j = i + rng.Next(activeSize - i);
                (index[i], index[j]) = (index[j], index[i]);
            }

            for (int k = 0; k < activeSize; k++)
            {
                int i = index[k];
                var xi = x.Row(i);
                double g = -y[i] + (lambda * beta[i]) + TensorPrimitives.Dot(w, xi) + (wb * s);
                double h = qd[i] + lambda;
                double gp = g + epsilon, gn = g - epsilon, violation = 0;
                if (beta[i] == 0)
                {
                    if (gp < 0)
                    {
                        violation = -gp;
                    }
                    else if (gn > 0)
                    {
                        violation = gn;
                    }
                    else if (gp > gmaxOld && gn < -gmaxOld)
                    {
                        activeSize--;
                        (index[k], index[activeSize]) = (index[activeSize], index[k]);
                        k--;
                        continue;
                    }
                }
                else if (beta[i] >= c)
                {
                    if (gp > 0)
                    {
                        violation = gp;
                    }
                    else if (gp < -gmaxOld)
                    {
                        activeSize--;
                        (index[k], index[activeSize]) = (index[activeSize], index[k]);
                        k--;
                        continue;
                    }
                }
                else if (beta[i] <= -c)
                {
                    if (gn < 0)
                    {
                        violation = -gn;
                    }
                    else if (gn > gmaxOld)
                    {
                        activeSize--;
                        (index[k], index[activeSize]) = (index[activeSize], index[k]);
                        k--;
                        continue;
                    }
                }
                else if (beta[i] > 0)
                {
                    violation = Math.Abs(gp);
                }
                else
                {
                    violation = Math.Abs(gn);
                }

                gmaxNew = Math.Max(gmaxNew, violation);
                gnorm1New += violation;
                double d;
                if (gp < h * beta[i])
                {
                    d = -gp / h;
                }
                else if (gn > h * beta[i])
                {
                    d = -gn / h;
                }
                else
                {
                    d = -beta[i];
                }

                if (Math.Abs(d) < 1.0e-12)
                {
                    continue;
                }

                double old = beta[i];
                beta[i] = Math.Min(Math.Max(beta[i] + d, -c), c);
                d = beta[i] - old;
                if (d != 0)
                {
                    TensorPrimitives.MultiplyAdd(xi, d, w, w);
                    wb += d * s;
                }
            }

            if (iter == 0)
            {
                gnorm1Init = gnorm1New;
            }

            iter++;
            if (gnorm1New <= tol * gnorm1Init)
            {
                if (activeSize == l)
                {
                    break;
                }

                activeSize = l;
                gmaxOld = double.PositiveInfinity;
                continue;
            }

            gmaxOld = gmaxNew;
        }

        return (w, wb * s, iter);
    }
}
