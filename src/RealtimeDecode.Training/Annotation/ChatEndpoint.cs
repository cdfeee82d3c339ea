using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace RealtimeDecode.Training.Annotation;

/// <summary>
/// Builds an <see cref="IChatClient"/> for any OpenAI-compatible chat completions endpoint (llama.cpp
/// server, Ollama, vLLM, LM Studio, OpenAI and other hosted ones). The client's own retries are
/// switched off and its network timeout lifted, so the <see cref="Annotator"/>'s retry, back-off and
/// timeout are the only ones in play (and the request counts it reports are true).
/// </summary>
public static class ChatEndpoint
{
    /// <summary>Environment variable read for the API key unless another is named.</summary>
    public const string DefaultApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>
    /// The base URL the client uses: a URL ending in <c>/chat/completions</c> is cut back to its base
    /// (the client appends that path itself), and a trailing slash is removed.
    /// </summary>
    public static Uri NormalizeEndpoint(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var u = url.Trim().TrimEnd('/');
        const string suffix = "/chat/completions";
        if (u.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) u = u[..^suffix.Length];
        if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{url}' is not an http(s) URL such as http://127.0.0.1:8080/v1");
        return uri;
    }

    /// <summary>
    /// The endpoint as it may be written to files: user information and query string removed, since
    /// some services take a key there (https://user:key@host/…, ?api-key=…).
    /// </summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var u)) return url;
        var b = new UriBuilder(u) { UserName = "", Password = "", Query = "", Fragment = "" };
        return b.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>
    /// Creates the client. <paramref name="apiKey"/> may be null or empty for local servers that need
    /// none (a placeholder is sent then). The key is never written anywhere by this project.
    /// </summary>
    public static IChatClient Create(string endpoint, string model, string? apiKey)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = NormalizeEndpoint(endpoint),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromHours(1),
        };
        var key = string.IsNullOrEmpty(apiKey) ? "no-key" : apiKey;
        return new OpenAI.Chat.ChatClient(model, new ApiKeyCredential(key), options).AsIChatClient();
    }
}
