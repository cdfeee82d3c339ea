namespace RealtimeDecode.Imaging.Nifti;

/// <summary>
/// The qform parameters of an affine: quaternion (b, c, d; a ≥ 0 implied), voxel sizes and qfac.
/// Computed as nifti1_io's <c>nifti_mat44_to_quatern</c>: column norms are the voxel sizes, the
/// normalised 3×3 is replaced by its closest orthogonal matrix (polar decomposition), a negative
/// determinant sets qfac = −1 and flips the third column.
/// </summary>
internal readonly record struct QForm(double B, double C, double D, double Dx, double Dy, double Dz, double QFac)
{
    public static QForm FromAffine(Affine a)
    {
        double r11 = a[0, 0], r12 = a[0, 1], r13 = a[0, 2];
        double r21 = a[1, 0], r22 = a[1, 1], r23 = a[1, 2];
        double r31 = a[2, 0], r32 = a[2, 1], r33 = a[2, 2];

        double xd = Math.Sqrt(r11 * r11 + r21 * r21 + r31 * r31);
        double yd = Math.Sqrt(r12 * r12 + r22 * r22 + r32 * r32);
        double zd = Math.Sqrt(r13 * r13 + r23 * r23 + r33 * r33);
        if (xd == 0) { r11 = 1; r21 = r31 = 0; xd = 1; }
        if (yd == 0) { r22 = 1; r12 = r32 = 0; yd = 1; }
        if (zd == 0) { r33 = 1; r13 = r23 = 0; zd = 1; }
        double dx = xd, dy = yd, dz = zd;
        r11 /= xd; r21 /= xd; r31 /= xd;
        r12 /= yd; r22 /= yd; r32 /= yd;
        r13 /= zd; r23 /= zd; r33 /= zd;

        Span<double> m = [r11, r12, r13, r21, r22, r23, r31, r32, r33];
        Polar(m);
        r11 = m[0]; r12 = m[1]; r13 = m[2];
        r21 = m[3]; r22 = m[4]; r23 = m[5];
        r31 = m[6]; r32 = m[7]; r33 = m[8];

        double det = Det(m);
        double qfac = 1;
        if (det <= 0) { qfac = -1; r13 = -r13; r23 = -r23; r33 = -r33; }

        double qa = r11 + r22 + r33 + 1, b, c, d;
        if (qa > 0.5)
        {
            qa = 0.5 * Math.Sqrt(qa);
            b = 0.25 * (r32 - r23) / qa;
            c = 0.25 * (r13 - r31) / qa;
            d = 0.25 * (r21 - r12) / qa;
        }
        else
        {
            double xx = 1 + r11 - (r22 + r33), yy = 1 + r22 - (r11 + r33), zz = 1 + r33 - (r11 + r22);
            if (xx > 1)
            {
                b = 0.5 * Math.Sqrt(xx); c = 0.25 * (r12 + r21) / b; d = 0.25 * (r13 + r31) / b; qa = 0.25 * (r32 - r23) / b;
            }
            else if (yy > 1)
            {
                c = 0.5 * Math.Sqrt(yy); b = 0.25 * (r12 + r21) / c; d = 0.25 * (r23 + r32) / c; qa = 0.25 * (r13 - r31) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zz); b = 0.25 * (r13 + r31) / d; c = 0.25 * (r23 + r32) / d; qa = 0.25 * (r21 - r12) / d;
            }
            if (qa < 0) { b = -b; c = -c; d = -d; }
        }
        return new QForm(b, c, d, dx, dy, dz, qfac);
    }

    private static double Det(ReadOnlySpan<double> m) =>
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

    /// <summary>Replaces a 3×3 (row-major) by its orthogonal polar factor; Newton iteration X ← (X + X⁻ᵀ)/2.</summary>
    private static void Polar(Span<double> x)
    {
        Span<double> inv = stackalloc double[9];
        for (int iter = 0; iter < 100; iter++)
        {
            double det = Det(x);
            if (Math.Abs(det) < 1e-12)
            {
                x.Clear(); x[0] = x[4] = x[8] = 1;
                return;
            }
            // Inverse transpose = cofactor matrix / det.
            inv[0] = (x[4] * x[8] - x[5] * x[7]) / det;
            inv[1] = -(x[3] * x[8] - x[5] * x[6]) / det;
            inv[2] = (x[3] * x[7] - x[4] * x[6]) / det;
            inv[3] = -(x[1] * x[8] - x[2] * x[7]) / det;
            inv[4] = (x[0] * x[8] - x[2] * x[6]) / det;
            inv[5] = -(x[0] * x[7] - x[1] * x[6]) / det;
            inv[6] = (x[1] * x[5] - x[2] * x[4]) / det;
            inv[7] = -(x[0] * x[5] - x[2] * x[3]) / det;
            inv[8] = (x[0] * x[4] - x[1] * x[3]) / det;
            double change = 0;
            for (int i = 0; i < 9; i++)
            {
                double v = 0.5 * (x[i] + inv[i]);
                change = Math.Max(change, Math.Abs(v - x[i]));
                x[i] = v;
            }
            if (change < 1e-15) return;
        }
    }
}
