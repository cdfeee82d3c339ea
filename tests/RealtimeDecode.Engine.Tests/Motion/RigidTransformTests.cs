using RealtimeDecode.Engine.Motion;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Motion;

public class RigidTransformTests
{
    [Fact]
    public void ToMatrix_GoldenParameters_MatchesNumpyTRxRyRz()
    {
        var p = GoldenCsv.Read("motion_params.csv");
        var expected = GoldenCsv.Read("motion_matrices.csv");
        var m = new double[16];
        for (int t = 0; t < p.Length; t++)
        {
            RigidTransform.ToMatrix(p[t], m);
            Approx.Equal(expected[t], m, 1e-14, $"volume {t}");
        }
    }

    [Fact]
    public void FromMatrix_OfToMatrix_RecoversParameters()
    {
        var p = GoldenCsv.Read("motion_params.csv");
        var m = new double[16];
        var back = new double[6];
        foreach (var row in p)
        {
            RigidTransform.ToMatrix(row, m);
            RigidTransform.FromMatrix(m, back);
            Approx.Equal(row, back, 1e-12, "round trip");
        }
    }

    [Fact]
    public void Invert_TimesMatrix_IsIdentity()
    {
        double[] p = [2.5, -1.0, 0.7, 0.04, -0.05, 0.03];
        var m = new double[16];
        var inv = new double[16];
        var prod = new double[16];
        RigidTransform.ToMatrix(p, m);
        RigidTransform.Invert(m, inv);
        RigidTransform.Multiply(m, inv, prod);
        double[] identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
        Approx.Equal(identity, prod, 1e-14, "M·M⁻¹");
    }

    [Fact]
    public void ToMatrix_RotXOnly_IsRightHandedAboutOrigin()
    {
        // A right-handed rotation by +90° about x takes +y to +z.
        var m = new double[16];
        RigidTransform.ToMatrix([0, 0, 0, Math.PI / 2, 0, 0], m);
        var (x, y, z) = RigidTransform.Apply(m, 0, 1, 0);
        Assert.Equal(0, x, 12);
        Assert.Equal(0, y, 12);
        Assert.Equal(1, z, 12);
    }

    [Fact]
    public void ToMatrix_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => RigidTransform.ToMatrix(new double[5], new double[16]));
    }
}
