using System.Text.RegularExpressions;

namespace Reactive.Host.Tests.Configuration;

/// <summary>The README and the pages of docs/ link to files that exist: a page moved or renamed is a failing test, not a dead link.</summary>
public sealed partial class DocLinksTests
{
    [Fact]
    public void EveryRelativeLink_InTheReadmeAndDocs_NamesAFileThatExists()
    {
        var root = Readme.RepositoryRoot();
        var pages = Readme.Docs().Select(d => (Folder: Path.Combine(root, "docs"), d.Name, d.Text))
            .Prepend((Folder: root, Name: "README.md", Text: File.ReadAllText(Path.Combine(root, "README.md"))));
        var checkedLinks = 0;
        var broken = new List<string>();
        foreach (var (folder, name, text) in pages)
        {
            foreach (Match link in LinkPattern().Matches(text))
            {
                var target = link.Groups[1].Value.Split('#')[0];
                if (target.Length == 0 || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                checkedLinks++;
                var path = Path.GetFullPath(Path.Combine(folder, target));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{name}: {link.Value}");
                }
            }
        }

        Assert.True(checkedLinks > 20, $"only {checkedLinks} links found: the pattern reads no link");
        Assert.Empty(broken);
    }

    [Fact]
    public void Readme_IsReadInFiveMinutes_AtMost250Lines() =>
        Assert.InRange(File.ReadAllLines(Path.Combine(Readme.RepositoryRoot(), "README.md")).Length, 1, 250);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex LinkPattern();
}
