using System.Numerics.Tensors;

namespace RealtimeDecode.Engine.Decoding;

/// <summary>
/// A kernel with resolved parameters and scikit-learn's definitions:
/// linear ⟨x,y⟩; rbf exp(−γ‖x−y‖²); polynomial (γ⟨x,y⟩ + coef0)^degree; laplacian exp(−γ‖x−y‖₁).
/// <see cref="Gamma"/> is a number here: "scale", "auto" and scikit-learn's None are resolved when fitting.
/// </summary>
/// <param name="Kind">Kernel kind.</param>
/// <param name="Gamma">γ (unused by linear).</param>
/// <param name="Coef0">Additive constant of the polynomial kernel.</param>
/// <param name="Degree">Degree of the polynomial kernel.</param>
public sealed record KernelFunction(KernelKind Kind, double Gamma, double Coef0 = 0, double Degree = 3)
{
    /// <summary>Evaluates the kernel on two float64 vectors of equal length (direct definition, no caching).</summary>
    public double Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        switch (Kind)
        {
            case KernelKind.Linear:
                return TensorPrimitives.Dot(x, y);
            case KernelKind.Polynomial:
                return Math.Pow((Gamma * TensorPrimitives.Dot(x, y)) + Coef0, Degree);
            case KernelKind.Rbf:
                {
                    double d = TensorPrimitives.Distance(x, y);
                    return Math.Exp(-Gamma * d * d);
                }

            case KernelKind.Laplacian:
                {
                    double s = 0;
                    for (int i = 0; i < x.Length; i++)
                    {
                        s += Math.Abs(x[i] - y[i]);
                    }

                    return Math.Exp(-Gamma * s);
                }

            default:
                throw new InvalidOperationException($"unknown kernel {Kind}");
        }
    }

    /// <summary>
    /// The kernel from the inner product and the squared norms (rbf uses ‖x‖² + ‖y‖² − 2⟨x,y⟩, clipped at 0,
    /// as scikit-learn's euclidean_distances and libsvm do). Not valid for laplacian.
    /// </summary>
    public double FromDot(double dot, double xx, double yy) => Kind switch
    {
        KernelKind.Linear => dot,
        KernelKind.Polynomial => Math.Pow((Gamma * dot) + Coef0, Degree),
        KernelKind.Rbf => Math.Exp(-Gamma * Math.Max(xx + yy - (2 * dot), 0)),
        _ => throw new InvalidOperationException($"kernel {Kind} is not a function of inner products"),
    };
}
