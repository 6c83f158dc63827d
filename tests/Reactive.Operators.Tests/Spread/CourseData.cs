namespace Reactive.Operators.Tests.Spread;

/// <summary>Finds the course's data folder (<c>shared/data</c>, a sibling of the repository root).</summary>
internal static class CourseData
{
    private static readonly Lazy<string?> Folder = new(Find);

    public static string? Directory => Folder.Value;

    public static string PathOf(string file) =>
        Path.Combine(Directory ?? throw new InvalidOperationException("The course data folder is absent."), file);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that is skipped (reported as such) when the course data file is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CourseDataFactAttribute : FactAttribute
{
    public CourseDataFactAttribute(string file)
    {
        if (CourseData.Directory is null || !File.Exists(Path.Combine(CourseData.Directory, file)))
        {
            Skip = $"Course data file {file} not found in ../shared/data.";
        }
    }
}
