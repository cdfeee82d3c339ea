using RealtimeDecode.Engine.Feedback;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary><c>protocol import FILE.json</c>: OpenNFT protocols (its <c>Cond</c> / <c>ConditionIndex</c> form) to an events table and sidecar that check.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OpenNftImportTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    // Intermittent feedback as OpenNFT writes it: regulation blocks each followed by a short display; the baseline is
    // every volume no condition lists.
    private const string Intermittent = """
        {
        	"RegulationName": "NFBREG",
        	"nfbDisplayName": "NFBDISP",
        	"Contrast": "+1*NFBREG;0*NFBDISP",
        	"Cond": [
        		{
        			"ConditionName": "NFBREG",
        			"OnOffsets": [
        				[11,20],
        				[31,40],
        				[51,60]
        			]
        		},
        		{
        			"ConditionName": "NFBDISP",
        			"OnOffsets": [
        				[21,22],
        				[41,42],
        				[61,62]
        			]
        		}
        	]
        }
        """;

    // Continuous feedback with an explicit baseline under names of the study's own, and a rest condition.
    private const string Continuous = """
        {
        	"BaselineName": "COUNT",
        	"RegulationName": "HAPPY",
        	"Contrast": "+1*HAPPY;-1*COUNT",
        	"ConditionIndex": [
        		{ "ConditionName": "COUNT", "OnOffsets": [[1,10],[21,30]] },
        		{ "ConditionName": "HAPPY", "OnOffsets": [[11,20],[31,40]] },
        		{ "ConditionName": "READ", "OnOffsets": [[41,45]] }
        	]
        }
        """;

    [Fact]
    public void Import_IntermittentOpenNft_ImplicitBaselineBlocksDisplayShowsTheScore()
    {
        File.WriteAllText(_dir.File("int-opennft.json"), Intermittent);
        var r = CliRunner.Run("protocol", "import", _dir.File("int-opennft.json"), "--tr", "2", "--target", "joy", "--out", _dir.File("int.tsv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["onset\tduration\ttrial_type",
            "0\t20\tBAS", "20\t20\tNFBREG", "40\t4\tNFBDISP",
            "44\t16\tBAS", "60\t20\tNFBREG", "80\t4\tNFBDISP",
            "84\t16\tBAS", "100\t20\tNFBREG", "120\t4\tNFBDISP"], File.ReadAllLines(_dir.File("int.tsv")));
        var p = ProtocolFile.Read(_dir.File("int.tsv"));
        Assert.Equal(ConditionRole.Baseline, p.Blocks[0].Condition.Role);
        Assert.Equal(ConditionRole.Regulate, p.Blocks[1].Condition.Role);
        Assert.Equal(FeedbackMode.Intermittent, p.Blocks[1].Condition.Feedback);
        Assert.Equal(1.0, p.Blocks[1].Condition.Source["joy"]);
        Assert.Equal(ConditionRole.Display, p.Blocks[2].Condition.Role);
        Assert.Equal(0, CliRunner.Run("protocol", "check", _dir.File("int.tsv"), "--tr", "2", "--volumes", "62").ExitCode);
    }

    [Fact]
    public void Import_ContinuousOpenNft_NamedBaselineAndRegulationOthersRest()
    {
        File.WriteAllText(_dir.File("cont-opennft.json"), Continuous);
        var r = CliRunner.Run("protocol", "import", _dir.File("cont-opennft.json"), "--tr", "1.5", "--target", "joy", "--out", _dir.File("cont.tsv"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal(["onset\tduration\ttrial_type", "0\t15\tCOUNT", "15\t15\tHAPPY", "30\t15\tCOUNT", "45\t15\tHAPPY", "60\t7.5\tREAD"],
            File.ReadAllLines(_dir.File("cont.tsv")));
        var p = ProtocolFile.Read(_dir.File("cont.tsv"));
        Assert.Equal([ConditionRole.Baseline, ConditionRole.Regulate, ConditionRole.Baseline, ConditionRole.Regulate, ConditionRole.Rest],
            p.Blocks.Select(b => b.Condition.Role));
        Assert.Equal(FeedbackMode.Continuous, p.Blocks[1].Condition.Feedback);
    }

    [Theory]
    [InlineData("\"Cond\"", "\"Conditions\"", "no \"Cond\"")]
    [InlineData("[31,40]", "[40,31]", "1 ≤ first ≤ last")]
    [InlineData("[31,40]", "[31,\"x\"]", "is not [first, last]")]
    [InlineData("[31,40]", "[0,40]", "1 ≤ first ≤ last")]
    [InlineData("\"RegulationName\": \"NFBREG\"", "\"RegulationName\": \"NFB\"", "RegulationName 'NFB' is not one of its conditions")]
    [InlineData("\"Contrast\"", "Contrast\"", "not valid JSON")]
    [InlineData("[21,22]", "[19,22]", "overlap")]
    public void Import_MalformedOpenNft_OneLineExit2(string from, string to, string expected)
    {
        File.WriteAllText(_dir.File("bad-opennft.json"), Intermittent.Replace(from, to, StringComparison.Ordinal));
        var r = CliRunner.Run("protocol", "import", _dir.File("bad-opennft.json"), "--tr", "2", "--target", "joy", "--out", _dir.File("bad.tsv"));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}: {r.Error}");
        Assert.Contains(expected, r.Error, StringComparison.Ordinal);
        Assert.Single(r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
