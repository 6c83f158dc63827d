namespace Reactive.Sources.Tests.Socket;

/// <summary>A fact that runs only where Debian's <c>ncat</c> is on the PATH (CI installs it with apt-get).</summary>
public sealed class NcatFactAttribute : FactAttribute
{
    public NcatFactAttribute()
    {
        if (Path is null)
        {
            Skip = "ncat is not installed (apt-get install ncat).";
        }
    }

    /// <summary>The full path of ncat, or null.</summary>
    public static string? Path { get; } = Find();

    private static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, "ncat");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
