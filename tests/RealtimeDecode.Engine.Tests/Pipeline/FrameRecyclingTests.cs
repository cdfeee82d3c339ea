using RealtimeDecode.Engine.Pipeline;
using RealtimeDecode.Engine.Tests.Support;

namespace RealtimeDecode.Engine.Tests.Pipeline;

public sealed class FrameRecyclingTests
{
    private static readonly FrameTiming Timing = Timings.Published(0, 0, 0, 0, TimeSpan.TicksPerSecond);

    private static EstimateFrame Frame(int volume, double[] edges) =>
        new(volume, volume * 2.0, null, Timing, new RoiFrame(volume, volume * 2.0, [1, 2], Timing),
            new ConnectivityFrame(volume, volume * 2.0, edges, Timing), [0.5]);

    // A sink that copies what it needs (the first edge) and keeps no array.
    private sealed class CopyingSink(string name, Task? gate = null, int expected = int.MaxValue) : IFrameSink
    {
        public List<double> FirstEdges { get; } = [];

        public TaskCompletionSource AllSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => name;

        public async ValueTask OnFrameAsync(PipelineFrame frame, CancellationToken cancellationToken)
        {
            if (gate is not null) await gate.ConfigureAwait(false);
            if (frame is EstimateFrame { Connectivity: { } c }) FirstEdges.Add(c.Edges[0]);
            if (FirstEdges.Count == expected) AllSeen.TrySetResult();
        }

        public ValueTask OnCompletedAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task OnNext_EverySinkReleasesArrays_EdgeArraysGoBackToThePoolAfterTheLastSink()
    {
        // A length no other test uses, so the shared pool's arrays of it are this test's.
        const int length = 12_347;
        var pool = FrameBufferPool.Shared;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fast = new CopyingSink("recorder", expected: 5);
        var slow = new CopyingSink("dashboard", gate.Task);
        var published = new List<double[]>();
        using (var fanout = new SinkFanout([
            SinkRegistration.Unbounded(fast) with { ReleasesArrays = true },
            SinkRegistration.Unbounded(slow) with { ReleasesArrays = true }]))
        {
            for (int i = 0; i < 5; i++)
            {
                var edges = pool.Rent(length);
                edges[0] = i;
                published.Add(edges);
                fanout.OnNext(Frame(i, edges));
            }

            // The slow sink holds every frame: nothing may come back yet, whatever the fast sink did.
            await Bounded.Wait(fast.AllSeen.Task, "the fast sink");
            var early = pool.Rent(length);
            Assert.DoesNotContain(published, a => ReferenceEquals(a, early));
            gate.SetResult();
            fanout.OnCompleted();
            await Bounded.Wait(fanout.Completion, "the sinks to drain");
        }

        Assert.Equal([0, 1, 2, 3, 4], fast.FirstEdges);
        Assert.Equal([0, 1, 2, 3, 4], slow.FirstEdges);
        var again = Enumerable.Range(0, 5).Select(_ => pool.Rent(length)).ToList();
        Assert.All(published, a => Assert.Contains(again, b => ReferenceEquals(a, b)));
    }

    [Fact]
    public async Task OnNext_OneSinkMayKeepFrames_NothingIsRecycled()
    {
        const int length = 12_349;
        var pool = FrameBufferPool.Shared;
        var keeper = new CollectingSink("keeper");
        var published = new List<double[]>();
        using (var fanout = new SinkFanout([
            SinkRegistration.Unbounded(new CopyingSink("recorder")) with { ReleasesArrays = true },
            SinkRegistration.Unbounded(keeper)]))
        {
            for (int i = 0; i < 4; i++)
            {
                var edges = pool.Rent(length);
                edges[0] = i;
                published.Add(edges);
                fanout.OnNext(Frame(i, edges));
            }

            fanout.OnCompleted();
            await Bounded.Wait(fanout.Completion, "the sinks to drain");
        }

        var fresh = Enumerable.Range(0, 4).Select(_ => pool.Rent(length)).ToList();
        Assert.DoesNotContain(fresh, b => published.Any(a => ReferenceEquals(a, b)));
        Assert.Equal([0.0, 1, 2, 3], keeper.Frames.Select(f => ((EstimateFrame)f).Connectivity!.Edges[0]));
    }

    [Fact]
    public async Task OnNext_BoundedSinkDropsFrames_DroppedFramesAreReleasedToo()
    {
        const int length = 12_351;
        var pool = FrameBufferPool.Shared;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new CopyingSink("dashboard", gate.Task);
        var published = new List<double[]>();
        using (var fanout = new SinkFanout([SinkRegistration.Bounded(slow, 1) with { ReleasesArrays = true }]))
        {
            for (int i = 0; i < 6; i++)
            {
                var edges = pool.Rent(length);
                published.Add(edges);
                fanout.OnNext(Frame(i, edges));
            }

            gate.SetResult();
            fanout.OnCompleted();
            await Bounded.Wait(fanout.Completion, "the sink to drain");
            Assert.Equal(6, fanout.Statistics[0].Delivered + fanout.Statistics[0].Dropped);
        }

        var again = Enumerable.Range(0, 6).Select(_ => pool.Rent(length)).ToList();
        Assert.All(published, a => Assert.Contains(again, b => ReferenceEquals(a, b)));
    }

    [Fact]
    public async Task Registration_TakesTheSinksOwnDeclaration_SessionSinksRecycleWithoutBeingToldTo()
    {
        const int length = 12_353;
        var pool = FrameBufferPool.Shared;
        // A sink that says nothing keeps its arrays; the session's sinks say they keep none.
        Assert.False(SinkRegistration.Unbounded(new CollectingSink("keeper")).ReleasesArrays);
        var summary = new SummarySink();
        Assert.True(SinkRegistration.Unbounded(summary).ReleasesArrays);
        Assert.False((SinkRegistration.Unbounded(summary) with { ReleasesArrays = false }).ReleasesArrays);

        var published = new List<double[]>();
        using (var fanout = new SinkFanout([SinkRegistration.Unbounded(summary), SinkRegistration.Bounded(new SummarySink(), 2)]))
        {
            for (int i = 0; i < 5; i++)
            {
                var edges = pool.Rent(length);
                published.Add(edges);
                fanout.OnNext(Frame(i, edges));
            }

            fanout.OnCompleted();
            await Bounded.Wait(fanout.Completion, "the sinks to drain");
        }

        var again = Enumerable.Range(0, 5).Select(_ => pool.Rent(length)).ToList();
        Assert.All(published, a => Assert.Contains(again, b => ReferenceEquals(a, b)));
    }
}
