namespace Reactive.Testing;

/// <summary>
/// Finds the course's data files in <c>../shared/data</c> beside the repository (or a folder
/// higher up). They are not committed (no license is stated), so tests that read them must report
/// themselves skipped when <see cref="Find"/> returns null.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> LazyFolder = new(() => Locate(null));

    /// <summary>The <c>shared/data</c> folder, or null when it is absent.</summary>
    public static string? Folder => LazyFolder.Value;

    /// <summary>The full path of <paramref name="file"/> in the data folder, or null when it is absent.</summary>
    public static string? Find(string file)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        return Locate(file) is { } folder ? Path.Combine(folder, file) : null;
    }

    /// <summary>The full path of <paramref name="file"/>; throws when it is absent (guard tests with a skip first).</summary>
    public static string PathOf(string file) =>
        Find(file) ?? throw new InvalidOperationException($"shared/data/{file} was not found beside the repository.");

    /// <summary>Why a test needing <paramref name="file"/> (or any data, when null) is skipped, or null when it can run.</summary>
    public static string? SkipReason(string? file = null) =>
        (file is null ? Folder : Find(file)) is null
            ? $"The course data {(file is null ? "folder" : "file " + file)} (../shared/data beside the repository) is absent."
            : null;

    private static string? Locate(string? file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (file is null ? Directory.Exists(candidate) : File.Exists(Path.Combine(candidate, file)))
            {
                return candidate;
            }
        }

        return null;
    }
}
