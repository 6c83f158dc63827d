namespace Reactive.Host.Tests.EndToEnd;

/// <summary>A fact that reports itself skipped when a Debian tool is not installed (CI installs them).</summary>
public sealed class RequiresExecutableFactAttribute : FactAttribute
{
    public RequiresExecutableFactAttribute(string path)
    {
        if (!File.Exists(path))
        {
            Skip = $"{path} is not installed (apt-get install {Path.GetFileName(path)})";
        }
    }
}

/// <summary>Paths of the Debian tools the end-to-end tests use.</summary>
internal static class Tools
{
    public const string Ncat = "/usr/bin/ncat";
    public const string DockerCompose = "/usr/bin/docker-compose";
}
