using BenchmarkDotNet.Attributes;

namespace Reactive.Bench;

/// <summary>BenchmarkDotNet version of the spread comparison (<c>-- --bdn --filter *Spread*</c>).</summary>
[MemoryDiagnoser]
public class SpreadBenchmarks
{
    private byte[] _data = [];

    /// <summary>Quotes generated.</summary>
    [Params(200_000)]
    public int Quotes { get; set; }

    /// <summary>Generates the bytes once.</summary>
    [GlobalSetup]
    public void Setup() => _data = SpreadCases.Generate(Quotes);

    /// <summary>(a) product pipeline.</summary>
    [Benchmark]
    public long Product() => SpreadCases.Product(_data).Seconds;

    /// <summary>(b) hand loop.</summary>
    [Benchmark(Baseline = true)]
    public long HandLoop() => SpreadCases.HandLoop(_data).Seconds;

    /// <summary>(c) naive Rx.</summary>
    [Benchmark]
    public long NaiveRx() => SpreadCases.NaiveRx(_data).Seconds;
}

/// <summary>BenchmarkDotNet version of the anomaly comparison (<c>-- --bdn --filter *Anomaly*</c>).</summary>
[MemoryDiagnoser]
public class AnomalyBenchmarks
{
    private (string Series, byte[] Data)[] _files = [];

    /// <summary>Generates the files once.</summary>
    [GlobalSetup]
    public void Setup() => _files = AnomalyCases.Generate(20, 10_000);

    /// <summary>(a) product pipeline.</summary>
    [Benchmark]
    public long Product() => AnomalyCases.Product(_files).SumBaseline;

    /// <summary>(b) hand loop.</summary>
    [Benchmark(Baseline = true)]
    public long HandLoop() => AnomalyCases.HandLoop(_files).SumBaseline;

    /// <summary>(c) naive Rx.</summary>
    [Benchmark]
    public long NaiveRx() => AnomalyCases.NaiveRx(_files).SumBaseline;
}
