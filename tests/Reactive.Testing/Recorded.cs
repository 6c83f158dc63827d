using System.Globalization;

namespace Reactive.Testing;

/// <summary>
/// A value (usually a <see cref="System.Reactive.Notification{T}"/>) stamped with the virtual time at which it happened.
/// </summary>
/// <typeparam name="T">The type of the recorded value.</typeparam>
/// <param name="Time">The virtual time (in ticks) at which the value was recorded.</param>
/// <param name="Value">The recorded value.</param>
public readonly record struct Recorded<T>(long Time, T Value)
{
    /// <summary>Renders the record as <c>value@time</c>.</summary>
    /// <returns>A short text such as <c>OnNext(42)@210</c>.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Value}@{Time}");
}
