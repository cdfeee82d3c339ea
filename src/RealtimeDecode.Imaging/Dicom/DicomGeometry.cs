namespace RealtimeDecode.Imaging.Dicom;

/// <summary>
/// Slice geometry to a NIfTI RAS affine, laid out as dcm2niix lays out its output: voxel (i, j, k)
/// is DICOM column i, DICOM row (rows − 1 − j) (rows flipped), slice k. In LPS millimetres:
/// world = P₀ + r·Δc·i + c·Δr·(rows − 1 − j) + s·k, with r, c the unit row and column direction
/// cosines of ImageOrientationPatient, Δr, Δc = PixelSpacing[0] (between rows), PixelSpacing[1]
/// (between columns), P₀ the position of the first slice's top-left pixel and s the step between
/// slices. RAS = LPS with x and y negated.
/// </summary>
internal static class DicomGeometry
{
    public static (double[] Row, double[] Col, double[] Normal) Orientation(double[] iop, string? path)
    {
        if (iop.Length < 6) throw new InputDataException(path, "ImageOrientationPatient (0020,0037) is missing or has fewer than 6 values");
        var r = Normalize([iop[0], iop[1], iop[2]], path);
        var c = Normalize([iop[3], iop[4], iop[5]], path);
        return (r, c, Cross(r, c));
    }

    public static Affine Build(double[] row, double[] col, double[] step, double rowSpacing, double colSpacing, double[] firstPosition, int rows)
    {
        var t = new double[3];
        for (int a = 0; a < 3; a++) t[a] = firstPosition[a] + col[a] * rowSpacing * (rows - 1);
        var m = new double[16];
        for (int a = 0; a < 3; a++)
        {
            double sign = a < 2 ? -1 : 1; // LPS → RAS
            m[a * 4 + 0] = sign * row[a] * colSpacing;
            m[a * 4 + 1] = -sign * col[a] * rowSpacing;
            m[a * 4 + 2] = sign * step[a];
            m[a * 4 + 3] = sign * t[a];
        }
        m[15] = 1;
        return new Affine(m);
    }

    public static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    public static double[] Cross(double[] a, double[] b) =>
        [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

    public static double[] Scale(double[] a, double s) => [a[0] * s, a[1] * s, a[2] * s];

    public static double Distance(double[] a, double[] b) =>
        Math.Sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));

    private static double[] Normalize(double[] v, string? path)
    {
        double n = Math.Sqrt(Dot(v, v));
        if (!(n > 1e-6)) throw new InputDataException(path, "ImageOrientationPatient (0020,0037) has a zero direction");
        return Scale(v, 1 / n);
    }
}
