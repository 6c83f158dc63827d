using Reactive.Sources.Generators;

namespace Reactive.WalletSimulator.Prices;

/// <summary>Where the bitcoin price (euro per bitcoin) comes from (<c>Simulator:Price</c>).</summary>
internal sealed class PriceOptions
{
    /// <summary>
    /// The feed: <c>fixed</c> (<see cref="Euro"/>), <c>file</c> (<see cref="File"/>), <c>generator</c>
    /// (<see cref="Generator"/>) or <c>kinesis</c> (<see cref="Kinesis"/>).
    /// </summary>
    /// <value>The default value is <see cref="PriceKind.Generator"/>.</value>
    public PriceKind Kind { get; set; } = PriceKind.Generator;

    /// <summary>The price of the <c>fixed</c> feed, in euro per bitcoin; also the <c>kinesis</c> feed's until its first record.</summary>
    /// <value>The default value is 30,000.</value>
    public decimal Euro { get; set; } = 30_000;

    /// <summary>
    /// The file of the <c>file</c> feed: the course's JSON lines (<c>{"timestamp":"…","euro_rate":…,…}</c>), replayed with
    /// their original timing divided by <see cref="Speed"/> from the simulator's start, from the first line again after the last.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? File { get; set; }

    /// <summary>How much faster than their timestamps the <c>file</c> and <c>generator</c> feeds run.</summary>
    /// <value>The default value is 1 (real time).</value>
    public double Speed { get; set; } = 1;

    /// <summary>The seeded generator of the <c>generator</c> feed (the service's bitcoin-rate generator: its euro rate).</summary>
    /// <value>The generator's defaults (seed 2009, a line every 10 seconds); the simulator's appsettings.json asks for 8,640 lines, a day.</value>
    public BitcoinRateGeneratorOptions Generator { get; set; } = new();

    /// <summary>The stream of the <c>kinesis</c> feed and how to reach it.</summary>
    /// <value>The stream <c>bitcoin-info</c> from <c>latest</c>, on the us-east-1 endpoint, with AWS's default credential chain.</value>
    public KinesisPriceOptions Kinesis { get; set; } = new();
}

/// <summary>The price feeds.</summary>
internal enum PriceKind
{
    /// <summary>One configured price.</summary>
    Fixed,

    /// <summary>A replayed file of the course's JSON lines.</summary>
    File,

    /// <summary>The seeded bitcoin-rate generator.</summary>
    Generator,

    /// <summary>The newest record of a Kinesis stream of the course's JSON records.</summary>
    Kinesis,
}
