namespace RealtimeDecode.Host.Dashboard.Redis;

/// <summary>
/// One session as <c>/api/sessions</c> lists it and as it is kept in Redis: id, state (starting,
/// warming-up, running, ended, failed), what is decoded, progress, and when (Unix ms) it started and last
/// published. <see cref="Live"/>: not ended or failed.
/// </summary>
public sealed record SessionListing(string Session, string State, string? Run, string? Model, string[]? Targets, double? Tr,
    int VolumesSeen, int? ExpectedVolumes, double StartedUnixMs, double UpdatedUnixMs, string? Host)
{
    /// <summary>True while the session has not ended or failed.</summary>
    public bool Live => State is not ("ended" or "failed");
}
