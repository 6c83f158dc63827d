namespace Reactive.Operators.Tests.Parsing;

/// <summary>A fact that is skipped when the course data folder (<c>shared/data</c> beside the repository) is absent.</summary>
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (SharedData.Folder is null)
        {
            Skip = "The course data folder shared/data was not found beside the repository.";
        }
    }
}

internal static class SharedData
{
    public static string? Folder { get; } = Find();

    public static string PathOf(string file) => Path.Combine(Folder ?? throw new InvalidOperationException("No shared data."), file);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            // The repository root holds Reactive.slnx; the data sits in a sibling "shared/data" of it.
            if (File.Exists(Path.Combine(dir.FullName, "Reactive.slnx")))
            {
                for (var up = dir.Parent; up is not null; up = up.Parent)
                {
                    string candidate = Path.Combine(up.FullName, "shared", "data");
                    if (Directory.Exists(candidate))
                    {
                        return candidate;
                    }
                }

                return null;
            }
        }

        return null;
    }
}
