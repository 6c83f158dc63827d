using Reactive.Testing;

namespace Reactive.Sources.Tests;

/// <summary>A fact over the course's real data that reports itself skipped when <c>../shared/data</c> (or the file) is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string? file = null)
    {
        Skip = SharedData.SkipReason(file);
    }
}
