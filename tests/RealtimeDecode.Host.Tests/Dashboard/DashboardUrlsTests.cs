using System.Net;
using RealtimeDecode.Host.Dashboard;

namespace RealtimeDecode.Host.Tests.Dashboard;

/// <summary>The address printed for a listen address: a wildcard becomes this machine's name (which the host check accepts), others stay.</summary>
public sealed class DashboardUrlsTests
{
    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://[::]:5080")]
    [InlineData("http://*:5080")]
    public void Reachable_WildcardListenAddress_IsThisMachinesName(string listen) =>
        Assert.Equal($"http://{Dns.GetHostName()}:5080", DashboardUrls.Reachable(listen), ignoreCase: true);

    [Theory]
    [InlineData("http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080")]
    [InlineData("http://[::1]:5080")]
    public void Reachable_SpecificAddress_Unchanged(string listen) => Assert.Equal(listen, DashboardUrls.Reachable(listen));
}
