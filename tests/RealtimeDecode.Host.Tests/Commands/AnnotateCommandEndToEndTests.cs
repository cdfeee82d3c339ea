using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RealtimeDecode.Host.Commands;
using RealtimeDecode.Training.Annotation;

namespace RealtimeDecode.Host.Tests.Commands;

/// <summary>annotate then targets through the command line against a chat completions endpoint on loopback.</summary>
public sealed class AnnotateCommandEndToEndTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rtd-cli-e2e-");
    private WebApplication _app = null!;
    private string _endpoint = "";
    private int _requests;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!;
            Interlocked.Increment(ref _requests);
            string user = (string)body["messages"]!.AsArray().Last()!["content"]!;
            // Rate "fear" by whether the rated (last) sentence mentions falling.
            double fear = user.Contains("Focus on the last sentence: \"Down she fell.\"", StringComparison.Ordinal) ? 0.9 : 0.1;
            var content = $"{{\"valence\": 0.5, \"arousal\": {fear.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}";
            var reply = new JsonObject
            {
                ["id"] = "x", ["object"] = "chat.completion", ["created"] = 1, ["model"] = "served",
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["finish_reason"] = "stop", ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content } }),
                ["usage"] = new JsonObject { ["prompt_tokens"] = 50, ["completion_tokens"] = 10, ["total_tokens"] = 60 },
            };
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(reply.ToJsonString());
        });
        await _app.StartAsync();
        _endpoint = _app.Urls.First().TrimEnd('/') + "/v1";
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Delete(true);
    }

    [Fact]
    public void AnnotateThenTargets_LoopbackEndpoint_WritesAnnotationsSidecarCacheAndResumes()
    {
        var transcript = Path.Combine(_dir.FullName, "T.tsv");
        File.WriteAllText(transcript, "onset\toffset\ttext\n0\t3\tAlice sat by the river.\n3\t6\tDown she fell.\n6.5\t10\tShe landed on leaves.\n");
        var annotations = Path.Combine(_dir.FullName, "A.tsv");
        string[] args = ["annotate", "--transcript", transcript, "--endpoint", _endpoint, "--llm-model", "local", "--emotions", "valence-arousal", "--rate", "0", "--out", annotations];

        Assert.Equal(0, CommandLine.Run(args));

        var table = AnnotationTable.Read(annotations);
        Assert.Equal(["valence", "arousal"], table.Emotions);
        Assert.Equal([0.1, 0.9, 0.1], new[] { table[0, 1], table[1, 1], table[2, 1] });
        var side = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "A.json")))!;
        Assert.Equal("local", (string)side["model"]!);
        Assert.Equal(_endpoint, (string)side["endpoint"]!);
        Assert.Equal(PromptTemplate.Default.Sha256, (string)side["prompt"]!["template_sha256"]!);
        Assert.Equal(150, (long)side["usage"]!["input_tokens_this_run"]!);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir.FullName, "A.cache.jsonl")).Length);
        Assert.Equal(3, _requests);

        // A rerun is answered from the cache: nothing is sent.
        Assert.Equal(0, CommandLine.Run(args));
        Assert.Equal(3, _requests);

        var targets = Path.Combine(_dir.FullName, "targets.tsv");
        Assert.Equal(0, CommandLine.Run(["targets", "--annotations", annotations, "--tr", "2", "--volumes", "6", "--lag", "2", "--out", targets]));
        var t = RealtimeDecode.Engine.Tables.NumericTable.Read(targets);
        // times 0,2,…,10 minus 2 s: -2 before the story (0), 0 and 2 in seg0, 4 in seg1, 6 in the pause (holds seg1), 8 in seg2
        Assert.Equal([0, 0.1, 0.1, 0.9, 0.9, 0.1], t.Column(1));
    }
}
