using Microsoft.AspNetCore.SignalR;

namespace RealtimeDecode.Host.Dashboard;

/// <summary>
/// The server-to-client events of <see cref="DecoderHub"/>, one method per event. Each method is sent
/// under its wire name from <see cref="DashboardEvents"/> (a contract with the pages and users' clients),
/// not under its C# name.
/// </summary>
public interface IDecoderClient
{
    /// <summary>One decoded volume (<see cref="DashboardEvents.Estimate"/>).</summary>
    [HubMethodName(DashboardEvents.Estimate)]
    Task Estimate(EstimateMessage message);

    /// <summary>Quality of one volume (<see cref="DashboardEvents.Qc"/>).</summary>
    [HubMethodName(DashboardEvents.Qc)]
    Task Qc(QcMessage message);

    /// <summary>The connectivity matrix of one window (<see cref="DashboardEvents.Connectivity"/>).</summary>
    [HubMethodName(DashboardEvents.Connectivity)]
    Task Connectivity(ConnectivityMessage message);

    /// <summary>Session state (<see cref="DashboardEvents.Status"/>).</summary>
    [HubMethodName(DashboardEvents.Status)]
    Task Status(StatusMessage message);

    /// <summary>One frame of the participant display (<see cref="DashboardEvents.Feedback"/>).</summary>
    [HubMethodName(DashboardEvents.Feedback)]
    Task Feedback(FeedbackDisplayMessage message);
}
