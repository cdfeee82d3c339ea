using System.Text.Json;

namespace RealtimeDecode.Training.Tests.Explanations;

/// <summary>One networkx reference case from Golden/graph_golden.json (see make_graph_golden.py).</summary>
public sealed class GraphGoldenCase
{
    private static readonly Lazy<IReadOnlyDictionary<string, GraphGoldenCase>> All = new(Load);

    private GraphGoldenCase(JsonElement e)
    {
        Name = e.GetProperty("name").GetString()!;
        N = e.GetProperty("n").GetInt32();
        Coefficients = Doubles(e.GetProperty("coefficients"));
        CoefficientsB = Doubles(e.GetProperty("coefficients_b"));
        Labels = e.GetProperty("labels").EnumerateArray().Select(x => x.GetString()!).ToArray();
        MstEdges = e.GetProperty("mst_edges").EnumerateArray()
            .Select(x => (x[0].GetInt32(), x[1].GetInt32(), x[2].GetDouble())).ToArray();
        MstKruskalOrder = e.GetProperty("mst_edges_kruskal_order").EnumerateArray()
            .Select(x => (x[0].GetInt32(), x[1].GetInt32())).ToArray();
        MstTotalWeight = e.GetProperty("mst_total_weight").GetDouble();
        Degree = Doubles(e.GetProperty("degree"));
        Betweenness = Doubles(e.GetProperty("betweenness"));
        Networks = e.GetProperty("networks").EnumerateArray()
            .Select(x => (x.GetProperty("network").GetString()!, x.GetProperty("count").GetInt32(),
                x.GetProperty("mean_degree").GetDouble(), x.GetProperty("mean_betweenness").GetDouble())).ToArray();
        GlobalEfficiency = e.GetProperty("global_efficiency").GetDouble();
        InverseWeightEfficiency = e.GetProperty("inverse_weight_efficiency").GetDouble();
        Diameter = e.GetProperty("diameter").GetInt32();
        JaccardDistanceAB = e.GetProperty("jaccard_distance_ab").GetDouble();
        GivenPartition = Partition(e.GetProperty("given_partition"));
        TreeModularityGiven = e.GetProperty("tree_modularity_given").GetDouble();
        TreeGreedyCommunities = e.TryGetProperty("tree_greedy_communities", out var tg) ? Partition(tg) : null;
        TreeGreedyModularity = e.TryGetProperty("tree_greedy_modularity", out var tq) ? tq.GetDouble() : double.NaN;
        GraphGreedyCommunities = e.TryGetProperty("graph_greedy_communities", out var gg) ? Partition(gg) : null;
        GraphGreedyModularity = e.TryGetProperty("graph_greedy_modularity", out var gq) ? gq.GetDouble() : double.NaN;
        GraphModularityGiven = e.TryGetProperty("graph_modularity_given", out var gm) ? gm.GetDouble() : double.NaN;
        GraphGlobalEfficiency = e.GetProperty("graph_global_efficiency").GetDouble();
        GraphDiameter = e.TryGetProperty("graph_diameter", out var gd) ? gd.GetInt32() : null;
    }

    public string Name { get; }
    public int N { get; }
    public double[] Coefficients { get; }
    public double[] CoefficientsB { get; }
    public string[] Labels { get; }
    public (int I, int J, double W)[] MstEdges { get; }
    public (int I, int J)[] MstKruskalOrder { get; }
    public double MstTotalWeight { get; }
    public double[] Degree { get; }
    public double[] Betweenness { get; }
    public (string Network, int Count, double MeanDegree, double MeanBetweenness)[] Networks { get; }
    public double GlobalEfficiency { get; }
    public double InverseWeightEfficiency { get; }
    public int Diameter { get; }
    public double JaccardDistanceAB { get; }
    public int[][] GivenPartition { get; }
    public double TreeModularityGiven { get; }
    public int[][]? TreeGreedyCommunities { get; }
    public double TreeGreedyModularity { get; }
    public int[][]? GraphGreedyCommunities { get; }
    public double GraphGreedyModularity { get; }
    public double GraphModularityGiven { get; }
    public double GraphGlobalEfficiency { get; }
    public int? GraphDiameter { get; }

    public double[] AbsWeights => Coefficients.Select(Math.Abs).ToArray();

    public static IEnumerable<object[]> Names => All.Value.Keys.Select(k => new object[] { k });

    public static GraphGoldenCase Get(string name) => All.Value[name];

    private static IReadOnlyDictionary<string, GraphGoldenCase> Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Golden", "graph_golden.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new GraphGoldenCase(c))
            .ToDictionary(c => c.Name);
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static int[][] Partition(JsonElement e) =>
        e.EnumerateArray().Select(c => c.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
}
