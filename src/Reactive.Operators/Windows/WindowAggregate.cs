namespace Reactive.Operators.Windows;

/// <summary>An aggregate column bound to the selector that reads its value from a row.</summary>
/// <typeparam name="T">The row type.</typeparam>
public sealed class WindowAggregate<T>
{
    /// <summary>Binds <paramref name="spec"/> to <paramref name="selector"/>.</summary>
    /// <param name="spec">The aggregate.</param>
    /// <param name="selector">Reads the value (null = SQL null, skipped); ignored and may be null for <see cref="AggregateKind.Count"/>.</param>
    /// <exception cref="ArgumentNullException">A value aggregate has no selector.</exception>
    public WindowAggregate(AggregateSpec spec, Func<T, double?>? selector)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.ReadsValue)
        {
            ArgumentNullException.ThrowIfNull(selector);
        }

        Spec = spec;
        Selector = spec.ReadsValue ? selector : null;
    }

    /// <summary>The aggregate.</summary>
    public AggregateSpec Spec { get; }

    /// <summary>Reads the value; null for <see cref="AggregateKind.Count"/>.</summary>
    public Func<T, double?>? Selector { get; }

    /// <summary><c>count</c>: rows.</summary>
    public static WindowAggregate<T> Count() => new(AggregateSpec.Count, null);

    /// <summary>The aggregate <paramref name="kind"/> over a field named <paramref name="field"/> read by <paramref name="selector"/>.</summary>
    public static WindowAggregate<T> Of(AggregateKind kind, string field, Func<T, double?> selector) =>
        new(AggregateSpec.Of(kind, field), selector);

    /// <summary>
    /// Parses a Spark aggregate name (see <see cref="AggregateSpec.Parse"/>) and binds its field through
    /// <paramref name="resolveField"/>, which returns null for an unknown field.
    /// </summary>
    /// <exception cref="FormatException">The text is not an aggregate.</exception>
    /// <exception cref="ArgumentException">The field is unknown.</exception>
    public static WindowAggregate<T> Parse(string text, Func<string, Func<T, double?>?> resolveField)
    {
        ArgumentNullException.ThrowIfNull(resolveField);
        var spec = AggregateSpec.Parse(text);
        if (!spec.ReadsValue)
        {
            return new WindowAggregate<T>(spec, null);
        }

        var selector = resolveField(spec.Field)
            ?? throw new ArgumentException($"Aggregate '{text}' reads unknown field '{spec.Field}'.", nameof(text));
        return new WindowAggregate<T>(spec, selector);
    }

    /// <inheritdoc/>
    public override string ToString() => Spec.Name;
}
