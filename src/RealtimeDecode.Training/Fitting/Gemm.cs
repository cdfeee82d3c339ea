using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RealtimeDecode.Training.Fitting;

/// <summary>
/// Cache-blocked float64 products of row-major matrices: C = A·Bᵀ (inner products of rows), and the
/// symmetric Gram matrix G = A·Aᵀ. Tiles of 64 rows × 256 columns stay in L2; a 4×4 register tile of
/// 512-bit (or 256-bit) FMAs does the work; row blocks run in parallel.
/// </summary>
internal static class Gemm
{
    private const int RowBlock = 64;
    private const int DepthBlock = 512;

    /// <summary>G = A·Aᵀ (rows × rows), both triangles filled.</summary>
    public static RowMajorMatrix Gram(RowMajorMatrix a) => Multiply(a, a, symmetric: true);

    /// <summary>C = A·Bᵀ (A.Rows × B.Rows); A and B have the same number of columns.</summary>
    public static RowMajorMatrix MultiplyTransposed(RowMajorMatrix a, RowMajorMatrix b) => Multiply(a, b, symmetric: false);

    private static RowMajorMatrix Multiply(RowMajorMatrix a, RowMajorMatrix b, bool symmetric)
    {
        if (a.Cols != b.Cols)
        {
            throw new ArgumentException($"A is {a.Rows} × {a.Cols} but B is {b.Rows} × {b.Cols}: column counts differ", nameof(b));
        }

        int m = a.Rows, n = b.Rows, p = a.Cols;
        var c = new RowMajorMatrix(m, n);
        int iBlocks = (m + RowBlock - 1) / RowBlock;
        int jBlocks = (n + RowBlock - 1) / RowBlock;
        var tiles = new List<(int Ib, int Jb)>();
        for (int ib = 0; ib < iBlocks; ib++)
        {
            for (int jb = 0; jb < jBlocks; jb++)
            {
                if (!symmetric || jb <= ib)
                {
                    tiles.Add((ib, jb));
                }
            }
        }

        // Each tile of C is owned by one task: no two tasks write the same element.
        Parallel.ForEach(tiles, tile =>
        {
            int i0 = tile.Ib * RowBlock, i1 = Math.Min(i0 + RowBlock, m);
            int j0 = tile.Jb * RowBlock, j1 = Math.Min(j0 + RowBlock, n);
            for (int k0 = 0; k0 < p; k0 += DepthBlock)
            {
                int kn = Math.Min(DepthBlock, p - k0);
                Tile(a, b, c, i0, i1, j0, j1, k0, kn);
            }
        });

        if (symmetric)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    c[i, j] = c[j, i];
                }
            }
        }

        return c;
    }

    private static void Tile(RowMajorMatrix a, RowMajorMatrix b, RowMajorMatrix c, int i0, int i1, int j0, int j1, int k0, int kn)
    {
        double[] ad = a.Data, bd = b.Data;
        int pa = a.Cols;
        Span<double> acc = stackalloc double[16];
        int i = i0;
        for (; i + 4 <= i1; i += 4)
        {
            int j = j0;
            for (; j + 4 <= j1; j += 4)
            {
                Micro4x4(ad, bd, pa, i, j, k0, kn, acc);
                for (int r = 0; r < 4; r++)
                {
                    for (int s = 0; s < 4; s++)
                    {
                        c[i + r, j + s] += acc[(r * 4) + s];
                    }
                }
            }

            for (; j < j1; j++)
            {
                for (int r = 0; r < 4; r++)
                {
                    c[i + r, j] += Dot(ad, bd, pa, i + r, j, k0, kn);
                }
            }
        }

        for (; i < i1; i++)
        {
            for (int j = j0; j < j1; j++)
            {
                c[i, j] += Dot(ad, bd, pa, i, j, k0, kn);
            }
        }
    }

    private static double Dot(double[] ad, double[] bd, int p, int i, int j, int k0, int kn) =>
        TensorPrimitives.Dot(new ReadOnlySpan<double>(ad, (int)(((long)i * p) + k0), kn), new ReadOnlySpan<double>(bd, (int)(((long)j * p) + k0), kn));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Micro4x4(double[] ad, double[] bd, int p, int i, int j, int k0, int kn, Span<double> acc)
    {
        fixed (double* pa = ad, pb = bd)
        {
            double* a0 = pa + ((long)i * p) + k0, a1 = a0 + p, a2 = a1 + p, a3 = a2 + p;
            double* b0 = pb + ((long)j * p) + k0, b1 = b0 + p, b2 = b1 + p, b3 = b2 + p;
            int k = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default;
                Vector512<double> c10 = default, c11 = default, c12 = default, c13 = default;
                Vector512<double> c20 = default, c21 = default, c22 = default, c23 = default;
                Vector512<double> c30 = default, c31 = default, c32 = default, c33 = default;
                for (; k + 8 <= kn; k += 8)
                {
                    var x0 = Vector512.Load(a0 + k);
                    var x1 = Vector512.Load(a1 + k);
                    var x2 = Vector512.Load(a2 + k);
                    var x3 = Vector512.Load(a3 + k);
                    var y = Vector512.Load(b0 + k);
                    c00 = Vector512.FusedMultiplyAdd(x0, y, c00);
                    c10 = Vector512.FusedMultiplyAdd(x1, y, c10);
                    c20 = Vector512.FusedMultiplyAdd(x2, y, c20);
                    c30 = Vector512.FusedMultiplyAdd(x3, y, c30);
                    y = Vector512.Load(b1 + k);
                    c01 = Vector512.FusedMultiplyAdd(x0, y, c01);
                    c11 = Vector512.FusedMultiplyAdd(x1, y, c11);
                    c21 = Vector512.FusedMultiplyAdd(x2, y, c21);
                    c31 = Vector512.FusedMultiplyAdd(x3, y, c31);
                    y = Vector512.Load(b2 + k);
                    c02 = Vector512.FusedMultiplyAdd(x0, y, c02);
                    c12 = Vector512.FusedMultiplyAdd(x1, y, c12);
                    c22 = Vector512.FusedMultiplyAdd(x2, y, c22);
                    c32 = Vector512.FusedMultiplyAdd(x3, y, c32);
                    y = Vector512.Load(b3 + k);
                    c03 = Vector512.FusedMultiplyAdd(x0, y, c03);
                    c13 = Vector512.FusedMultiplyAdd(x1, y, c13);
                    c23 = Vector512.FusedMultiplyAdd(x2, y, c23);
                    c33 = Vector512.FusedMultiplyAdd(x3, y, c33);
                }

                acc[0] = Vector512.Sum(c00); acc[1] = Vector512.Sum(c01); acc[2] = Vector512.Sum(c02); acc[3] = Vector512.Sum(c03);
                acc[4] = Vector512.Sum(c10); acc[5] = Vector512.Sum(c11); acc[6] = Vector512.Sum(c12); acc[7] = Vector512.Sum(c13);
                acc[8] = Vector512.Sum(c20); acc[9] = Vector512.Sum(c21); acc[10] = Vector512.Sum(c22); acc[11] = Vector512.Sum(c23);
                acc[12] = Vector512.Sum(c30); acc[13] = Vector512.Sum(c31); acc[14] = Vector512.Sum(c32); acc[15] = Vector512.Sum(c33);
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
                Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
                Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
                Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
                for (; k + 4 <= kn; k += 4)
                {
                    var x0 = Vector256.Load(a0 + k);
                    var x1 = Vector256.Load(a1 + k);
                    var x2 = Vector256.Load(a2 + k);
                    var x3 = Vector256.Load(a3 + k);
                    var y = Vector256.Load(b0 + k);
                    c00 = Vector256.FusedMultiplyAdd(x0, y, c00);
                    c10 = Vector256.FusedMultiplyAdd(x1, y, c10);
                    c20 = Vector256.FusedMultiplyAdd(x2, y, c20);
                    c30 = Vector256.FusedMultiplyAdd(x3, y, c30);
                    y = Vector256.Load(b1 + k);
                    c01 = Vector256.FusedMultiplyAdd(x0, y, c01);
                    c11 = Vector256.FusedMultiplyAdd(x1, y, c11);
                    c21 = Vector256.FusedMultiplyAdd(x2, y, c21);
                    c31 = Vector256.FusedMultiplyAdd(x3, y, c31);
                    y = Vector256.Load(b2 + k);
                    c02 = Vector256.FusedMultiplyAdd(x0, y, c02);
                    c12 = Vector256.FusedMultiplyAdd(x1, y, c12);
                    c22 = Vector256.FusedMultiplyAdd(x2, y, c22);
                    c32 = Vector256.FusedMultiplyAdd(x3, y, c32);
                    y = Vector256.Load(b3 + k);
                    c03 = Vector256.FusedMultiplyAdd(x0, y, c03);
                    c13 = Vector256.FusedMultiplyAdd(x1, y, c13);
                    c23 = Vector256.FusedMultiplyAdd(x2, y, c23);
                    c33 = Vector256.FusedMultiplyAdd(x3, y, c33);
                }

                acc[0] = Vector256.Sum(c00); acc[1] = Vector256.Sum(c01); acc[2] = Vector256.Sum(c02); acc[3] = Vector256.Sum(c03);
                acc[4] = Vector256.Sum(c10); acc[5] = Vector256.Sum(c11); acc[6] = Vector256.Sum(c12); acc[7] = Vector256.Sum(c13);
                acc[8] = Vector256.Sum(c20); acc[9] = Vector256.Sum(c21); acc[10] = Vector256.Sum(c22); acc[11] = Vector256.Sum(c23);
                acc[12] = Vector256.Sum(c30); acc[13] = Vector256.Sum(c31); acc[14] = Vector256.Sum(c32); acc[15] = Vector256.Sum(c33);
            }
            else
            {
                acc.Clear();
            }

            for (; k < kn; k++)
            {
                double x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
                double y0 = b0[k], y1 = b1[k], y2 = b2[k], y3 = b3[k];
                acc[0] += x0 * y0; acc[1] += x0 * y1; acc[2] += x0 * y2; acc[3] += x0 * y3;
                acc[4] += x1 * y0; acc[5] += x1 * y1; acc[6] += x1 * y2; acc[7] += x1 * y3;
                acc[8] += x2 * y0; acc[9] += x2 * y1; acc[10] += x2 * y2; acc[11] += x2 * y3;
                acc[12] += x3 * y0; acc[13] += x3 * y1; acc[14] += x3 * y2; acc[15] += x3 * y3;
            }
        }
    }
}
