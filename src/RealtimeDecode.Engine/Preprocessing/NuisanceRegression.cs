namespace RealtimeDecode.Engine.Preprocessing;

/// <summary>
/// Online nuisance regression (cumulative GLM): each frame comes with k nuisance values (for example
/// global signal, white-matter and CSF means); the output is the residual of the current frame after
/// regressing every channel on an intercept plus the k nuisance series, fitted over all frames so
/// far, the current one included. That equals the last residual of
/// <c>np.linalg.lstsq([1, N[0..n]], Y[0..n])</c>.
/// </summary>
/// <remarks>
/// Numeric contract: float64 centred co-moments (Welford), Jacobi-scaled LDLᵀ solve per frame; a
/// nuisance collinear with the intercept or the earlier nuisances so far is dropped for that frame,
/// which leaves the least-squares fitted values (and the residual) unchanged, as a minimum-norm
/// solver would. While the frames are no more than the independent columns (intercept + nuisances) the fit
/// interpolates and the output is exactly 0. A non-finite nuisance value gives NaN for every channel
/// and the frame is not used; a NaN channel value gives NaN for that channel only and is left out of
/// its fit. Cost per frame: O(channels · k³).
/// </remarks>
public sealed class NuisanceRegression
{
    private readonly CumulativeGlm _glm;

    /// <summary>Creates the kernel for <paramref name="channels"/> channels and <paramref name="nuisanceCount"/> nuisance series.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No channels, or a negative nuisance count.</exception>
    public NuisanceRegression(int channels, int nuisanceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(nuisanceCount);
        _glm = new CumulativeGlm(channels, nuisanceCount);
    }

    /// <summary>Number of channels.</summary>
    public int Channels => _glm.Channels;

    /// <summary>Number of nuisance series (the intercept is extra).</summary>
    public int NuisanceCount => _glm.Regressors;

    /// <summary>Adds one frame with its nuisance values and writes the residuals (<paramref name="output"/> may alias <paramref name="frame"/>).</summary>
    /// <exception cref="ArgumentException">A span length differs from <see cref="Channels"/> or <see cref="NuisanceCount"/>.</exception>
    public void Push(ReadOnlySpan<double> frame, ReadOnlySpan<double> nuisance, Span<double> output)
    {
        Check.Length(frame.Length, Channels, nameof(frame), "channels");
        Check.Length(nuisance.Length, NuisanceCount, nameof(nuisance), "nuisance series");
        Check.Length(output.Length, Channels, nameof(output), "channels");
        _glm.Push(nuisance, frame, output);
    }

    /// <summary>Forgets all frames.</summary>
    public void Reset() => _glm.Reset();
}
