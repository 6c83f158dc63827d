using System.Reactive.Concurrency;
using Reactive.Host.Analytics;
using Reactive.Host.Settings;

namespace Reactive.Host.Kinds;

/// <summary>What a composition is given besides its input: processing time, whether it is a one-shot run, and where its side outputs go.</summary>
/// <param name="Scheduler">Processing time (triggers, batches, idle timeouts).</param>
/// <param name="OneShot">A finite input run as fast as possible (<c>reactive run</c>): the whole input is one micro-batch, no idle timeout.</param>
/// <param name="Outputs">Where dead letters, late rows and progress go.</param>
/// <param name="ConsoleRows">The records a console batch shows (what a sampling batch keeps).</param>
/// <param name="State">The operator state of a checkpointed run (what it starts from, how it is saved), or null.</param>
/// <param name="Trading">The trading desk of a trading pipeline in the service (where its orders go), or null.</param>
internal sealed record ComposeContext(IScheduler Scheduler, bool OneShot, CompositionOutputs Outputs, int ConsoleRows = 10, KindState? State = null, Trading.TradingDesk? Trading = null)
{
    /// <summary>
    /// Whether a per-row result may be one row object reused for the next (its fields <see cref="ResultFields.Shared"/>):
    /// set by the service's runner, whose consumers write each row before the next comes and keep only
    /// <see cref="ResultRow.Detach"/>'s copies. Elsewhere (one-shot runs, tests that collect results) each row is new.
    /// </summary>
    public bool ReuseRows { get; init; }
}

/// <summary>
/// The operator state of a checkpointed pipeline: the snapshot it starts from (read from the checkpoint) and how the
/// kind's operators are saved after each batch (<see cref="Save"/>, set by the kind's composition).
/// </summary>
/// <param name="initial">The saved snapshot, or null to start empty.</param>
internal sealed class KindState(System.Text.Json.JsonElement? initial)
{
    /// <summary>How snapshots are written and read: the operators' state records, and <see cref="GroupKey"/> as an array.</summary>
    public static readonly System.Text.Json.JsonSerializerOptions Json = new()
    {
        IncludeFields = false,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The saved snapshot, or null.</summary>
    public System.Text.Json.JsonElement? Initial => initial;

    /// <summary>Takes a snapshot of the running operators (called after a batch, on the thread that ran it); set by the composition.</summary>
    public Func<object>? Save { get; set; }

    /// <summary>The saved snapshot as <typeparamref name="T"/>, or null to start empty.</summary>
    public T? Restore<T>()
        where T : class =>
        initial is { } json ? System.Text.Json.JsonSerializer.Deserialize<T>(json, Json) : null;

    /// <summary>The snapshot of the running operators, as JSON.</summary>
    public System.Text.Json.JsonElement Snapshot() =>
        System.Text.Json.JsonSerializer.SerializeToElement(Save?.Invoke() ?? throw new InvalidOperationException("the pipeline's composition registered no state to save"), Json);
}

/// <summary>
/// A pipeline kind: the one place that says what a <c>Pipelines:NAME</c> of this <c>Kind</c> (and <c>reactive run KIND</c>)
/// reads, which settings it takes under which keys and arguments, how its parts are composed and what it writes.
/// Kinds are found by type (<see cref="PipelineKinds"/>): adding one is one file here, beside its operator.
/// </summary>
internal interface IPipelineKind
{
    /// <summary>The kind's name in configuration (<c>Kind</c>) and on the command line (<c>reactive run NAME</c>).</summary>
    string Name { get; }

    /// <summary>One line for listings and usage.</summary>
    string Summary { get; }

    /// <summary>The source kinds it reads (<c>Pipelines:NAME:Source:Kind</c>).</summary>
    IReadOnlyList<string> Sources { get; }

    /// <summary>The sink kinds it writes (<c>Pipelines:NAME:Sinks:i:Kind</c>); empty: it writes only where its options say.</summary>
    IReadOnlyList<string> Sinks { get; }

    /// <summary>Whether <c>reactive run NAME</c> runs it over a file.</summary>
    bool OneShot { get; }

    /// <summary>The <c>--output</c> of <c>reactive run NAME</c> when none is given (<c>-</c>: standard output), or null when it is required.</summary>
    string? DefaultOutput { get; }

    /// <summary>
    /// Whether its operators' state is checkpointed (<see cref="ComposeContext.State"/>) when its source can replay:
    /// then a restart neither loses nor repeats a result.
    /// </summary>
    bool Checkpoints { get; }

    /// <summary>Whether it runs in micro-batches of its own (one <see cref="ResultBatch.BatchId"/> per batch); else per row.</summary>
    bool MicroBatches { get; }

    /// <summary>How a replayed file of its input dates its lines (a replay source's default <c>TimeFormat</c>), or null.</summary>
    string? ReplayTimeFormat { get; }

    /// <summary>Its settings that have a command-line argument: the options of <c>reactive run NAME</c> are made from them.</summary>
    IEnumerable<SettingArgument> Arguments { get; }

    /// <summary>Its settings (key, argument), for listings and usage.</summary>
    IEnumerable<SettingName> SettingNames { get; }

    /// <summary>The setting that sets the options property <paramref name="option"/> (a bound an operator reached), or null.</summary>
    SettingName? SettingFor(string option);

    /// <summary>
    /// Reads and validates its options from <paramref name="source"/>; errors go to the source, naming the key or argument.
    /// <paramref name="input"/>: the file of a one-shot run, whose name may set a default (a <c>.csv</c> is CSV).
    /// </summary>
    object Bind(ISettingSource source, string? input = null);

    /// <summary>What it writes with these options.</summary>
    ResultShape Shape(object options);

    /// <summary>Where it writes when no sink is configured.</summary>
    IReadOnlyList<Sinks.SinkDefinition> DefaultSinks(object options);

    /// <summary>Composes parser, operators and result rows over <paramref name="input"/>.</summary>
    IObservable<ResultBatch> Compose(IRecordSource input, object options, ComposeContext context);

    /// <summary>The console's text for a batch, or null for one JSON line per row.</summary>
    string? Console(ResultBatch batch, object options, int rows, TimeZoneInfo zone);
}

/// <summary>The shape every kind shares: a binding table over one options type that holds the defaults.</summary>
/// <typeparam name="TOptions">The kind's options (<c>Pipelines:NAME:Options</c>, and the arguments of <c>reactive run NAME</c>).</typeparam>
internal abstract class PipelineKind<TOptions> : IPipelineKind
    where TOptions : class, new()
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    public abstract IReadOnlyList<string> Sources { get; }

    public virtual IReadOnlyList<string> Sinks { get; } = ["console", "table", "jsonl", "csv"];

    public virtual bool OneShot => false;

    public virtual string? DefaultOutput => null;

    public virtual bool Checkpoints => false;

    public virtual bool MicroBatches => false;

    public virtual string? ReplayTimeFormat => null;

    public IEnumerable<SettingArgument> Arguments => Table.Arguments;

    public IEnumerable<SettingName> SettingNames => Table.Settings.Select(s => s.Name);

    /// <summary>The binding table: each setting's key, argument and the property it sets.</summary>
    protected abstract SettingsTable<TOptions> Table { get; }

    public SettingName? SettingFor(string option) =>
        Table.Settings.FirstOrDefault(s => s.Option == option)?.Name;

    public object Bind(ISettingSource source, string? input = null)
    {
        var options = new TOptions();
        if (input is not null)
        {
            ForInput(options, input);
        }

        Table.Bind(source, options);
        Validate(source, options);
        return options;
    }

    public ResultShape Shape(object options) => Shape((TOptions)options);

    public virtual IReadOnlyList<Sinks.SinkDefinition> DefaultSinks(object options) => [new Sinks.ConsoleSinkDefinition()];

    public IObservable<ResultBatch> Compose(IRecordSource input, object options, ComposeContext context) => Compose(input, (TOptions)options, context);

    public string? Console(ResultBatch batch, object options, int rows, TimeZoneInfo zone) => Console(batch, (TOptions)options, rows, zone);

    /// <summary>Sets what the name of a one-shot run's input implies, before the settings are read.</summary>
    protected virtual void ForInput(TOptions options, string input)
    {
    }

    /// <summary>Checks the bound options with their own <c>Validate()</c> (through <see cref="SettingsTable{TOptions}.Validate"/>); nothing more to check by default.</summary>
    protected virtual void Validate(ISettingSource source, TOptions options)
    {
    }

    /// <inheritdoc cref="IPipelineKind.Shape"/>
    protected abstract ResultShape Shape(TOptions options);

    /// <inheritdoc cref="IPipelineKind.Compose"/>
    protected abstract IObservable<ResultBatch> Compose(IRecordSource input, TOptions options, ComposeContext context);

    /// <inheritdoc cref="IPipelineKind.Console"/>
    protected virtual string? Console(ResultBatch batch, TOptions options, int rows, TimeZoneInfo zone) => null;
}

/// <summary>Every pipeline kind of the service, found by type: a class deriving from <see cref="PipelineKind{TOptions}"/> is a kind.</summary>
internal static class PipelineKinds
{
    /// <summary>The kinds, by name.</summary>
    public static IReadOnlyList<IPipelineKind> All { get; } =
    [
        .. typeof(IPipelineKind).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && typeof(IPipelineKind).IsAssignableFrom(t))
            .Select(t => (IPipelineKind)Activator.CreateInstance(t)!)
            .OrderBy(k => k.Name, StringComparer.Ordinal),
    ];

    /// <summary>The names of the kinds.</summary>
    public static IEnumerable<string> Names => All.Select(k => k.Name);

    /// <summary>The kind named <paramref name="name"/> (any case), or null.</summary>
    public static IPipelineKind? Find(string name) =>
        All.FirstOrDefault(k => string.Equals(k.Name, name, StringComparison.OrdinalIgnoreCase));
}
