namespace Reactive.Host.Tests.EndToEnd;

/// <summary>A fact that reports itself skipped when Debian's ncat is not installed (CI installs it).</summary>
public sealed class RequiresNcatFactAttribute : FactAttribute
{
    public const string NcatPath = "/usr/bin/ncat";

    public RequiresNcatFactAttribute()
    {
        if (!File.Exists(NcatPath))
        {
            Skip = $"{NcatPath} is not installed (apt-get install ncat)";
        }
    }
}
