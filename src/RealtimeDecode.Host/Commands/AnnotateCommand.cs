using System.CommandLine;
using System.Globalization;
using RealtimeDecode.Imaging;
using RealtimeDecode.Training.Annotation;
using Spectre.Console;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>annotate</c>: rates each segment of a timed transcript on a set of emotions with a chat model
/// behind any OpenAI-compatible endpoint, and writes the annotations TSV, its provenance sidecar
/// (<c>.json</c>) and keeps every answer in a cache (<c>.cache.jsonl</c>) so that a rerun resumes.
/// </summary>
internal sealed class AnnotateCommand : ICliCommand
{
    private readonly Option<string> _transcript = new("--transcript") { Description = "Timed transcript TSV with columns onset, offset (s) and text, one row per segment.", Required = true };
    private readonly Option<string> _endpoint = new("--endpoint") { Description = "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:11434/v1 (Ollama), https://api.openai.com/v1.", Required = true };
    private readonly Option<string> _model = new("--llm-model") { Description = "Model name sent to the endpoint.", Required = true };
    private readonly Option<string> _out = CliOptions.Writes(new Option<string>("--out") { Description = "Annotations TSV to write (onset, offset, text, one column per emotion); the sidecar JSON goes beside it.", Required = true },
        [AnnotationProvenance.SidecarPath]);
    private readonly Option<string> _emotions = new("--emotions") { Description = "plutchik8 (default), ekman6, valence-arousal, or a comma list such as joy,fear,awe.", DefaultValueFactory = _ => "plutchik8" };
    private readonly Option<string?> _prompt = new("--prompt") { Description = "File with the user message template ({{context}}, {{segment}}, {{emotion_scales}}, {{json_example}}, {{emotions}}, {{index}}, {{count}}, {{onset}}, {{offset}})." };
    private readonly Option<string?> _systemPrompt = new("--system-prompt") { Description = "File with the system message template (same placeholders)." };
    private readonly Option<string> _context = new("--context") { Description = "What {{context}} holds: story (everything so far, default), segment, or window:N.", DefaultValueFactory = _ => "story" };
    private readonly Option<int> _votes = new("--votes") { Description = "Requests per segment; the rating is the per-emotion median.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _temperature = new("--temperature") { Description = "Sampling temperature (0 = most likely reply).", DefaultValueFactory = _ => 0.0 };
    private readonly Option<long?> _seed = new("--seed") { Description = "Seed for endpoints that support one." };
    private readonly Option<int> _maxTokens = new("--max-tokens") { Description = "Output token limit per request (0 = none).", DefaultValueFactory = _ => 200 };
    private readonly Option<string> _format = new("--response-format") { Description = "json-schema (structured output, default), json-object, or text.", DefaultValueFactory = _ => "json-schema" };
    private readonly Option<string> _keyEnv = new("--api-key-env") { Description = "Environment variable holding the API key (unset: no key, as local servers need none).", DefaultValueFactory = _ => ChatEndpoint.DefaultApiKeyVariable };
    private readonly Option<string?> _cache = CliOptions.Writes(new Option<string?>("--cache") { Description = "Cache file of answered requests (default: the output's name with .cache.jsonl)." });
    private readonly Option<double> _rate = new("--rate") { Description = "Most request starts per minute, retries included (0 = no bound).", DefaultValueFactory = _ => 60.0 };
    private readonly Option<int> _concurrency = new("--concurrency") { Description = "Requests in flight at once.", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _timeout = new("--timeout") { Description = "Seconds to wait for one reply before retrying.", DefaultValueFactory = _ => 120.0 };
    private readonly Option<int> _attempts = new("--max-attempts") { Description = "Attempts per request on 429, 5xx, timeouts and connection failures.", DefaultValueFactory = _ => 6 };
    private readonly Option<int?> _maxRequests = new("--max-requests") { Description = "Refuse to send more requests than this (retries included); a guard for paid endpoints." };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Print the first prompt and how many requests would be sent, then stop; sends nothing." };

    public Command Build()
    {
        var cmd = new Command("annotate", "LLM emotion annotation of a timed transcript (one rating in [0, 1] per emotion and segment).");
        foreach (var o in new Option[] { _transcript, _endpoint, _model, _out, _emotions, _prompt, _systemPrompt, _context, _votes, _temperature, _seed,
                     _maxTokens, _format, _keyEnv, _cache, _rate, _concurrency, _timeout, _attempts, _maxRequests, _dryRun })
            cmd.Options.Add(o);
        cmd.SetAction((parse, ct) => RunAsync(parse, ct));
        return cmd;
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        var transcriptPath = CliOptions.ExistingFile(parse, _transcript);
        var outPath = parse.GetValue(_out)!;
        var settings = Settings(parse);
        var segments = Transcript.Read(transcriptPath);
        var cachePath = parse.GetValue(_cache) is { Length: > 0 } c ? c : Path.ChangeExtension(outPath, ".cache.jsonl");
        // The table, its sidecar and the cache (read, then appended to) are checked before the cache is opened.
        CliOptions.RefuseInputs(parse, _out, outPath);
        CliOptions.RefuseInputs(parse, _cache, cachePath);
        using var cache = AnnotationCache.Open(cachePath);
        if (cache.SkippedLines > 0)
            Console.Error.WriteLine($"warning: {cachePath}: skipped {cache.SkippedLines} unreadable line(s) (an interrupted write); those requests will be asked again");

        var keyVariable = parse.GetValue(_keyEnv)!;
        var apiKey = Environment.GetEnvironmentVariable(keyVariable);
        var client = ChatEndpoint.Create(settings.Endpoint, settings.Model, apiKey);
        var uri = ChatEndpoint.NormalizeEndpoint(settings.Endpoint);
        if (!string.IsNullOrEmpty(apiKey) && uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            Console.Error.WriteLine($"warning: the API key in ${keyVariable} goes to {uri.Host} over plain http; use https for remote endpoints");
        if (settings.Votes > 1 && settings.Temperature == 0)
            Console.Error.WriteLine("note: at temperature 0 the votes usually return the same reply (and cost as much); raise --temperature to sample");
        var annotator = new Annotator(client, settings, cache);

        if (parse.GetValue(_dryRun))
        {
            PrintPlan(annotator.Plan(segments), segments.Count, settings, cachePath, keyVariable, apiKey);
            return 0;
        }

        CliOptions.OutputFile(parse, _out);
        AnnotationResult result;
        try
        {
            result = await WithProgressAsync(p => annotator.AnnotateAsync(segments, p, ct)).ConfigureAwait(false);
        }
        catch (AnnotationException e)
        {
            string hint = e.Message.Contains("(HTTP 401", StringComparison.Ordinal) || e.Message.Contains("(HTTP 403", StringComparison.Ordinal)
                ? $"; check the API key in ${keyVariable}"
                : e.Message.Contains("(HTTP 404", StringComparison.Ordinal) ? "; check --endpoint (the API's base URL, often ending in /v1) and --llm-model" : "";
            throw new InputDataException(transcriptPath, $"{e.Message}{hint} ({cache.Count} answers are kept in {cachePath}; rerunning resumes)", e);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"interrupted: {cache.Count} answers are kept in {cachePath}; rerun the same command to resume");
            throw;
        }

        AnnotationTable.From(result).Write(outPath);
        AnnotationProvenance.Write(outPath, AnnotationProvenance.Build(settings, result, transcriptPath, cachePath));
        var st = result.Stats;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"annotated {segments.Count} segments × {settings.Votes} vote(s) on {settings.Emotions.Count} emotions: {st.Requests} requests, {st.CacheHits} from the cache, {st.RequestsSent} sent ({st.Retries} retries, {st.InvalidReplies} invalid replies)"));
        if (st.InputTokensSent is not null || st.OutputTokensSent is not null)
            Console.WriteLine($"tokens this run: {st.InputTokensSent ?? 0} in, {st.OutputTokensSent ?? 0} out");
        Console.WriteLine($"wrote {outPath} and {AnnotationProvenance.SidecarPath(outPath)}");
        return 0;
    }

    private AnnotatorSettings Settings(ParseResult parse)
    {
        EmotionSet emotions;
        PromptContext context;
        try
        {
            emotions = EmotionSet.Parse(parse.GetValue(_emotions)!);
            context = PromptContext.Parse(parse.GetValue(_context)!);
        }
        catch (ArgumentException e) { throw new InputDataException(null, e.Message); }

        var template = PromptTemplate.Default;
        var userFile = parse.GetValue(_prompt);
        var systemFile = parse.GetValue(_systemPrompt);
        if (userFile is not null || systemFile is not null)
        {
            try { template = new PromptTemplate(ReadTemplate(systemFile) ?? PromptTemplate.DefaultSystem, ReadTemplate(userFile) ?? PromptTemplate.DefaultUser); }
            catch (ArgumentException e) { throw new InputDataException(userFile ?? systemFile, e.Message); }
        }

        var format = parse.GetValue(_format)!.Trim().ToLowerInvariant() switch
        {
            "json-schema" => ReplyFormat.JsonSchema,
            "json-object" => ReplyFormat.JsonObject,
            "text" => ReplyFormat.Text,
            var f => throw new InputDataException(null, $"--response-format '{f}' is not one of json-schema, json-object, text"),
        };
        var endpoint = parse.GetValue(_endpoint)!;
        try { ChatEndpoint.NormalizeEndpoint(endpoint); }
        catch (ArgumentException e) { throw new InputDataException(null, $"--endpoint: {e.Message}"); }
        double timeout = parse.GetValue(_timeout);
        if (!(timeout > 0)) throw new InputDataException(null, $"--timeout must be a positive number of seconds, got {timeout.ToString(CultureInfo.InvariantCulture)}");
        int maxTokens = parse.GetValue(_maxTokens);
        if (maxTokens < 0) throw new InputDataException(null, $"--max-tokens must not be negative, got {maxTokens}");

        var s = new AnnotatorSettings
        {
            Endpoint = endpoint.Trim(),
            Model = parse.GetValue(_model)!,
            Emotions = emotions,
            Template = template,
            Context = context,
            Votes = parse.GetValue(_votes),
            Temperature = (float)parse.GetValue(_temperature),
            Seed = parse.GetValue(_seed),
            MaxOutputTokens = maxTokens == 0 ? null : maxTokens,
            ResponseFormat = format,
            RequestsPerMinute = parse.GetValue(_rate),
            MaxConcurrency = parse.GetValue(_concurrency),
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            MaxAttempts = parse.GetValue(_attempts),
            MaxRequests = parse.GetValue(_maxRequests),
        };
        try { s.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new InputDataException(null, OptionMessage(e)); }
        return s;
    }

    private static string OptionMessage(ArgumentOutOfRangeException e)
    {
        var msg = e.Message;
        int p = msg.IndexOf(" (Parameter", StringComparison.Ordinal);
        return p > 0 ? msg[..p] : msg;
    }

    private static string? ReadTemplate(string? path)
    {
        if (path is null) return null;
        if (!File.Exists(path)) throw new InputDataException(path, "file not found");
        return File.ReadAllText(path);
    }

    private static void PrintPlan(AnnotationPlan plan, int segments, AnnotatorSettings s, string cachePath, string keyVariable, string? apiKey)
    {
        var first = plan.Requests.FirstOrDefault(r => !r.Cached) ?? plan.Requests[0];
        Console.WriteLine($"--- system message (segment {first.Segment}) ---");
        Console.WriteLine(first.System);
        Console.WriteLine($"--- user message (segment {first.Segment}) ---");
        Console.WriteLine(first.User);
        Console.WriteLine("---");
        Console.WriteLine($"endpoint {ChatEndpoint.Redact(s.Endpoint)}, model {s.Model}, temperature {s.Temperature.ToString(CultureInfo.InvariantCulture)}, emotions {string.Join(",", s.Emotions.Names)}, context {s.Context}");
        Console.WriteLine($"{segments} segments × {s.Votes} vote(s) = {plan.Total} requests; {plan.Cached} answered in {cachePath}; {plan.ToSend} to send");
        Console.WriteLine($"about {plan.EstimatedPromptTokensToSend} prompt tokens to send (estimated at 4 characters per token), at most {(s.MaxOutputTokens is { } m ? (long)m * plan.ToSend : "unbounded")} output tokens, before retries");
        if (s.MaxRequests is { } budget && plan.ToSend > budget)
            Console.WriteLine($"this exceeds --max-requests {budget}: a real run would refuse to start");
        Console.WriteLine(string.IsNullOrEmpty(apiKey) ? $"API key: ${keyVariable} is not set (fine for local servers)" : $"API key: from ${keyVariable}");
        Console.WriteLine("dry run: nothing was sent");
    }

    private static async Task<T> WithProgressAsync<T>(Func<IProgress<AnnotationProgress>, Task<T>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected)
        {
            // Not a terminal: one plain line about every tenth of the work.
            var plain = new PlainProgress();
            return await work(plain).ConfigureAwait(false);
        }
        T result = default!;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("annotating", maxValue: 1);
                var p = new SyncProgress(a =>
                {
                    task.MaxValue = Math.Max(1, a.Total);
                    task.Value = a.Done;
                    task.Description = $"annotating ({a.FromCache} cached, {a.Sent} sent, {a.Retries} retries)";
                });
                result = await work(p).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    private sealed class SyncProgress(Action<AnnotationProgress> report) : IProgress<AnnotationProgress>
    {
        private readonly object _gate = new();
        public void Report(AnnotationProgress value) { lock (_gate) report(value); }
    }

    private sealed class PlainProgress : IProgress<AnnotationProgress>
    {
        private readonly object _gate = new();
        private int _lastDecile = -1;

        public void Report(AnnotationProgress a)
        {
            lock (_gate)
            {
                int decile = a.Total == 0 ? 10 : a.Done * 10 / a.Total;
                if (decile == _lastDecile) return;
                _lastDecile = decile;
                Console.Error.WriteLine($"annotating: {a.Done}/{a.Total} ({a.FromCache} cached, {a.Sent} sent, {a.Retries} retries)");
            }
        }
    }
}
