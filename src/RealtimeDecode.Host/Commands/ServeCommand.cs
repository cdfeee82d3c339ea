using System.CommandLine;
using RealtimeDecode.Host.Dashboard;
using RealtimeDecode.Host.Session;
using RealtimeDecode.Imaging;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// <c>realtime-decode serve</c>: the web side alone (dashboard, participant display, hub) for the sessions
/// that decoders publish through Redis; <c>/</c> lists them. Any number of these hosts may serve the same
/// Redis. Listening beyond loopback needs <c>Dashboard:AccessToken</c>: one token, the same on every host,
/// rather than one generated per host that each viewer would have to be given.
/// </summary>
internal sealed class ServeCommand : ICliCommand
{
    public Command Build()
    {
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on (default http://127.0.0.1:5080; beyond loopback Dashboard:AccessToken is required)" };
        var redis = new Option<string?>("--redis") { Description = "Redis connection string (default: Dashboard:Redis), e.g. redis1:6379,password=secret,ssl=true" };
        var config = new Option<string?>("--config") { Description = "Configuration file (JSON) over configs/default.json" };
        var strict = new Option<bool>("--strict-config") { Description = "Refuse unknown configuration sections and keys (otherwise a warning)" };
        var cmd = new Command("serve", "Serve the dashboard, participant display and hub for every session decoders publish through Redis (no pipeline).")
            { urls, redis, config, strict };
        cmd.SetAction(async (parse, ct) =>
        {
            var configuration = SessionOptions.LoadConfiguration(parse.GetValue(config), parse.GetValue(strict));
            var dashboard = SessionOptions.Bind<DashboardOptions>(configuration, "Dashboard");
            var feedback = SessionOptions.Bind<FeedbackOptions>(configuration, "Feedback");
            if (parse.GetValue(urls) is { } u) dashboard.Urls = u;
            if (parse.GetValue(redis) is { } r) dashboard.Redis = r;
            SessionOptions.Validate(dashboard, "Dashboard", configuration);
            var addresses = DashboardUrls.Parse(dashboard.Urls, parse.GetValue(urls) is null ? "Dashboard:Urls" : "--urls");
            string redisSource = parse.GetValue(redis) is null ? "Dashboard:Redis" : "--redis";
            if (string.IsNullOrWhiteSpace(dashboard.Redis))
                throw new InputDataException(null, "serve needs the Redis the decoders publish to: --redis or Dashboard:Redis (RTDECODE_Dashboard__Redis)");
            var redisConfig = Dashboard.Redis.RedisConnection.Parse(dashboard.Redis, redisSource);
            if (dashboard.AccessToken is null && addresses.FirstOrDefault(a => !DashboardServer.IsLoopbackUrl(a.OriginalString)) is { } open)
                throw new InputDataException(null, $"serve listens beyond loopback ({open.OriginalString}): set Dashboard:AccessToken (RTDECODE_Dashboard__AccessToken), the same token on every host");

            await using var connection = await Dashboard.Redis.RedisConnection.ConnectAsync(redisConfig);
            Console.Out.WriteLine(connection.IsConnected
                ? $"redis: {connection.Endpoints}"
                : $"redis: {connection.Endpoints} unreachable; retrying in the background (sessions appear once it answers)");
            await using var server = await SessionRunner.StartDashboardAsync(dashboard, feedback, TimeProvider.System, connection, null, ct);
            var url = server.Addresses.FirstOrDefault() is { } listen ? DashboardUrls.Reachable(listen) : null;
            Console.Out.WriteLine($"serving: {url}/ (sessions), {url}/?session=ID, {url}/feedback?session=ID; Ctrl-C stops");
            Console.Out.Flush();
            try { await Task.Delay(Timeout.InfiniteTimeSpan, ct); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return cmd;
    }
}
