using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class RunGeometryTests
{
    private static Volume Vol(int nx, Affine a) => new(nx, 10, 8, new float[nx * 10 * 8], a);

    private static Affine RotatedZ(double degrees, double voxel)
    {
        double c = Math.Cos(degrees * Math.PI / 180), s = Math.Sin(degrees * Math.PI / 180);
        return new Affine([voxel * c, -voxel * s, 0, 0, voxel * s, voxel * c, 0, 0, 0, 0, voxel, 0, 0, 0, 0, 1]);
    }

    [Fact]
    public void Check_SameGridAndAffine_Accepted()
    {
        var g = new RunGeometry(1.0);
        Assert.Null(g.Check(Vol(12, Affine.Diagonal(3, 3, 3))));
        g.Accept(Vol(12, Affine.Diagonal(3, 3, 3)));
        Assert.Null(g.Check(Vol(12, Affine.Diagonal(3, 3, 3, tx: 0.9))));
    }

    [Fact]
    public void Check_TranslationBeyondTolerance_AffineChangedWithTheShift()
    {
        var g = new RunGeometry(1.0);
        g.Accept(Vol(12, Affine.Diagonal(3, 3, 3)));
        var r = g.Check(Vol(12, Affine.Diagonal(3, 3, 3, tx: 6, ty: 8)));
        Assert.Equal(VolumeStatus.AffineChanged, r?.Status);
        Assert.Contains("10 mm", r?.Reason, StringComparison.Ordinal); // |(6, 8)| = 10
    }

    [Fact]
    public void Check_RotationMovesTheFarCorner_AffineChanged()
    {
        // 2° about z at the origin: the corner (11, 9) voxels × 3 mm = (33, 27) mm moves by 2·|r|·sin(1°) = 1.49 mm.
        var g = new RunGeometry(1.0);
        g.Accept(Vol(12, RotatedZ(0, 3)));
        var r = g.Check(Vol(12, RotatedZ(2, 3)));
        Assert.Equal(VolumeStatus.AffineChanged, r?.Status);
        Assert.Contains("1.49 mm", r?.Reason, StringComparison.Ordinal);
        var lenient = new RunGeometry(1.5);
        lenient.Accept(Vol(12, RotatedZ(0, 3)));
        Assert.Null(lenient.Check(Vol(12, RotatedZ(2, 3))));
    }

    [Fact]
    public void Check_OtherDimensionsOrVoxelSize_GridChanged()
    {
        var g = new RunGeometry(1.0);
        g.Accept(Vol(12, Affine.Diagonal(3, 3, 3)));
        Assert.Equal(VolumeStatus.GridChanged, g.Check(Vol(13, Affine.Diagonal(3, 3, 3)))?.Status);
        Assert.Equal(VolumeStatus.GridChanged, g.Check(Vol(12, Affine.Diagonal(3, 3, 3.5)))?.Status);
        g.Reset();
        Assert.Null(g.Check(Vol(13, Affine.Diagonal(3, 3, 3))));
        g.Accept(Vol(13, Affine.Diagonal(3, 3, 3)));
        g.Accept(Vol(12, Affine.Diagonal(3, 3, 3))); // the first accepted volume stays the reference
        Assert.Equal(VolumeStatus.GridChanged, g.Check(Vol(12, Affine.Diagonal(3, 3, 3)))?.Status);
    }
}
