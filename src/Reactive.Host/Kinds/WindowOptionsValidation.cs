using System.Reactive.Linq;
using Reactive.Operators;
using Reactive.Operators.Parsing;
using Reactive.Operators.Windows;

namespace Reactive.Host.Kinds;

/// <summary>Until the window operator's options validate themselves: its checks, run by composing it once.</summary>
internal static class WindowOptionsValidation
{
    public static void Validate(this EventTimeWindowOptions<Row, Analytics.GroupKey> options)
    {
        try
        {
            _ = Observable.Empty<Row>().WindowByEventTime(options);
        }
        catch (ArgumentException ex) when (ex is not OptionValidationException)
        {
            throw new OptionValidationException(ex.ParamName ?? "Aggregates", ex.Message);
        }
    }
}
