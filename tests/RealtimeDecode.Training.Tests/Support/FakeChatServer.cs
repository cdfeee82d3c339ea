using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RealtimeDecode.Training.Tests.Support;

/// <summary>A request as the fake endpoint received it.</summary>
public sealed record RecordedRequest(int Number, string Path, string? Authorization, JsonObject Body)
{
    public string Model => (string)Body["model"]!;
    public JsonArray Messages => Body["messages"]!.AsArray();
    public string UserMessage => Content(Messages.Last(m => (string)m!["role"]! == "user")!);
    public string? SystemMessage => Messages.FirstOrDefault(m => (string)m!["role"]! == "system") is { } s ? Content(s) : null;

    private static string Content(JsonNode m)
    {
        var c = m["content"]!;
        if (c is JsonValue) return (string)c!;
        return string.Concat(c.AsArray().Select(p => (string?)p!["text"] ?? ""));
    }
}

/// <summary>What the fake endpoint answers: a completion, an error status, possibly late.</summary>
public sealed record FakeReply(int Status = 200, string? Content = null, string? RetryAfter = null, TimeSpan Delay = default, int PromptTokens = 100, int CompletionTokens = 20)
{
    public static FakeReply Ok(string content) => new(Content: content);
    public static FakeReply Error(int status, string? retryAfter = null) => new(Status: status, RetryAfter: retryAfter);
}

/// <summary>
/// An OpenAI-compatible chat completions endpoint on Kestrel, 127.0.0.1 and a free port, answering
/// through a test-supplied function and recording every request it gets.
/// </summary>
public sealed class FakeChatServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    private FakeChatServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public int Count => Volatile.Read(ref _count);
    public string Endpoint { get; private set; } = "";

    public static async Task<FakeChatServer> StartAsync(Func<RecordedRequest, FakeReply> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeChatServer(app);
        app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
        {
            var body = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            int n = Interlocked.Increment(ref server._count);
            var req = new RecordedRequest(n, ctx.Request.Path, ctx.Request.Headers.Authorization.ToString(), body);
            server.Requests.Enqueue(req);
            var reply = answer(req);
            if (reply.Delay > TimeSpan.Zero)
            {
                try { await Task.Delay(reply.Delay, ctx.RequestAborted); }
                catch (OperationCanceledException) { return; }
            }
            ctx.Response.StatusCode = reply.Status;
            ctx.Response.ContentType = "application/json";
            if (reply.RetryAfter is not null) ctx.Response.Headers["Retry-After"] = reply.RetryAfter;
            JsonObject payload = reply.Status == 200
                ? new JsonObject
                {
                    ["id"] = $"chatcmpl-{n}",
                    ["object"] = "chat.completion",
                    ["created"] = 1700000000,
                    ["model"] = req.Model + "-served",
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply.Content },
                        ["finish_reason"] = "stop",
                    }),
                    ["usage"] = new JsonObject
                    {
                        ["prompt_tokens"] = reply.PromptTokens,
                        ["completion_tokens"] = reply.CompletionTokens,
                        ["total_tokens"] = reply.PromptTokens + reply.CompletionTokens,
                    },
                }
                : new JsonObject { ["error"] = new JsonObject { ["message"] = $"fake error {reply.Status}", ["type"] = "test" } };
            await ctx.Response.WriteAsync(payload.ToJsonString());
        });
        await app.StartAsync();
        var address = app.Urls.First();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
