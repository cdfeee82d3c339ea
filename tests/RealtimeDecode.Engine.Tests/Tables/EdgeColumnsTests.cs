using RealtimeDecode.Engine.Connectivity;
using RealtimeDecode.Engine.Tables;

namespace RealtimeDecode.Engine.Tests.Tables;

public sealed class EdgeColumnsTests
{
    [Theory]
    [InlineData("A|B")]
    [InlineData("A|B|C|D")]
    [InlineData("x~1|x~2|y")] // names holding the separator
    [InlineData("7Networks_LH_Vis_1|7Networks_LH_Vis_2|7Networks_RH_Default_PFCv_1")]
    public void RoiNames_EdgeNamesOfTheLayout_GivesTheNamesBack(string joined)
    {
        var names = joined.Split('|');
        var columns = EdgeLayout.Names(names);

        Assert.Equal(names, EdgeColumns.RoiNames(columns));
    }

    [Fact]
    public void RoiNames_HundredRois_GivesTheNamesBack()
    {
        var names = Enumerable.Range(1, 100).Select(i => $"roi{i}").ToArray();

        Assert.Equal(names, EdgeColumns.RoiNames(EdgeLayout.Names(names)));
    }

    [Theory]
    [InlineData("r1|r2|r3")] // an ROI table of 3 (a triangular count)
    [InlineData("A~B|A~C|C~B")] // not row-major i < j
    [InlineData("A~B|A~C")] // 2 is not R(R−1)/2
    [InlineData("A~B|A~C|B~D")] // the last edge names a fourth ROI
    [InlineData("")]
    public void RoiNames_ColumnsThatAreNotTheEdgesOfSomeRois_Null(string joined)
    {
        var columns = joined.Length == 0 ? [] : joined.Split('|');
        Assert.Null(EdgeColumns.RoiNames(columns));
        Assert.False(EdgeColumns.AreEdges(columns));
    }
}
