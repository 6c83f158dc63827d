using Reactive.Testing;

namespace Reactive.Host.Tests;

/// <summary>A theory over the course's real data that reports itself skipped when <c>../shared/data</c> (or a file) is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute(params string[] files)
    {
        Skip = files.Length == 0 ? SharedData.SkipReason() : files.Select(SharedData.SkipReason).FirstOrDefault(s => s is not null);
    }
}
