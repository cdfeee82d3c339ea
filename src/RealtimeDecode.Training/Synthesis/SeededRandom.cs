namespace RealtimeDecode.Training.Synthesis;

/// <summary>
/// Deterministic random numbers for the simulator: <see cref="Random"/> with an explicit seed (its
/// seeded algorithm is fixed across .NET versions) plus Box–Muller normals, so the same seed gives
/// the same session byte for byte.
/// </summary>
internal sealed class SeededRandom
{
    private readonly Random _random;
    private double _spare;
    private bool _hasSpare;

    public SeededRandom(int seed) => _random = new Random(seed);

    /// <summary>Uniform in [0, 1).</summary>
    public double Uniform() => _random.NextDouble();

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => _random.Next(min, max);

    /// <summary>Standard normal.</summary>
    public double Normal()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u, v, s;
        do
        {
            u = 2 * _random.NextDouble() - 1;
            v = 2 * _random.NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>A child generator for an independent stream (derived from this one's next draw).</summary>
    public SeededRandom Fork() => new(_random.Next());
}
