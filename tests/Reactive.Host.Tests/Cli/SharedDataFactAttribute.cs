namespace Reactive.Host.Tests.Cli;

/// <summary>
/// A fact over the course's real data files in <c>../shared/data</c> beside the repository; it
/// reports itself skipped when they are absent (they are not committed: no license is stated).
/// </summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string file)
    {
        if (SharedData.Find(file) is null)
        {
            Skip = $"../shared/data/{file} is absent";
        }
    }
}

internal static class SharedData
{
    public static string? Find(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static string Require(string file) => Find(file) ?? throw new InvalidOperationException($"shared/data/{file} not found");
}
