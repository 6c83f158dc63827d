using Microsoft.Data.Sqlite;

namespace Reactive.Host.Tests.EndToEnd;

/// <summary>
/// What a checkpointed run of the service left behind in its working directory: the durable table's rows (every
/// column, in a total order) and the file sinks' output, to compare a run killed and restarted with one never interrupted.
/// </summary>
/// <param name="Rows">The rows of the tables named like the table, each as <c>table: v1 | v2 | …</c>, sorted.</param>
/// <param name="Files">Each part file whole (<c>dir/part-…: text</c>), or the lines of all of them in batch order.</param>
internal sealed record CheckpointedOutputs(IReadOnlyList<string> Rows, IReadOnlyList<string> Files)
{
    public bool Equals(CheckpointedOutputs? other) => other is not null && Rows.SequenceEqual(other.Rows) && Files.SequenceEqual(other.Files);

    public override int GetHashCode() => Rows.Count;

    /// <summary>Row for row and file for file the same as <paramref name="expected"/> (counts first, for a short message), with no row twice.</summary>
    public void AssertSameRowsAndFiles(CheckpointedOutputs expected)
    {
        Assert.Equal(expected.Rows.Count, Rows.Count);
        Assert.Equal(expected.Rows, Rows);
        Assert.Equal(expected.Files.Count, Files.Count);
        Assert.Equal(expected.Files, Files);
        Assert.Equal(Rows.Count, Rows.Distinct().Count());
    }

    /// <summary>
    /// The same as <paramref name="expected"/> (<see cref="Equals(CheckpointedOutputs?)"/>); otherwise fails with what differs:
    /// the counts, the first rows and files that differ on each side, and <paramref name="context"/> (what the runs did).
    /// </summary>
    public void AssertSameAs(CheckpointedOutputs expected, Func<string> context)
    {
        if (Equals(expected))
        {
            return;
        }

        static string Diff(string what, IReadOnlyList<string> want, IReadOnlyList<string> got)
        {
            var missing = want.Except(got).Take(5).ToList();
            var extra = got.Except(want).Take(5).ToList();
            var firstDiffering = Enumerable.Range(0, Math.Min(want.Count, got.Count)).FirstOrDefault(i => want[i] != got[i], -1);
            return $"{what}: expected {want.Count}, got {got.Count}, first differing at index {firstDiffering}; missing (≤ 5): [{string.Join(" ;; ", missing.Select(Short))}]; unexpected (≤ 5): [{string.Join(" ;; ", extra.Select(Short))}]";
        }

        static string Short(string s) => s.Length <= 300 ? s : s[..300] + "…";

        Assert.Fail($"The outputs differ from those of the uninterrupted run.\n{Diff("rows", expected.Rows, Rows)}\n{Diff("files", expected.Files, Files)}\n{context()}");
    }

    /// <summary>Reads <c>work/state/tables.db</c> (the tables whose names start with <paramref name="table"/>) and <c>work/out</c>.</summary>
    /// <param name="work">The service's working directory.</param>
    /// <param name="table">The table's name (its per-schema tables start with it).</param>
    /// <param name="concatenateFiles">Whether the part files are compared by their lines in order rather than file by file (their batches depend on timing).</param>
    public static CheckpointedOutputs Read(string work, string table, bool concatenateFiles)
    {
        var rows = new List<string>();
        using (var db = new SqliteConnection($"Data Source={Path.Combine(work, "state", "tables.db")};Mode=ReadOnly;Pooling=False"))
        {
            db.Open();
            using var names = db.CreateCommand();
            names.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE $t || '%' ORDER BY name";
            names.Parameters.AddWithValue("$t", table);
            var tables = new List<string>();
            using (var reader = names.ExecuteReader())
            {
                while (reader.Read())
                {
                    tables.Add(reader.GetString(0));
                }
            }

            Assert.NotEmpty(tables);
            foreach (var name in tables)
            {
                using var select = db.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{name}\"";
                using var reader = select.ExecuteReader();
                var tableRows = new List<string>();
                while (reader.Read())
                {
                    var values = new object[reader.FieldCount];
                    reader.GetValues(values);
                    // Every column but SQLite's own row id: the rows, not where they were stored.
                    tableRows.Add(name + ": " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount)
                        .Where(i => !reader.GetName(i).Equals("rowid", StringComparison.OrdinalIgnoreCase))
                        .Select(i => Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture))));
                }

                tableRows.Sort(StringComparer.Ordinal);
                rows.AddRange(tableRows);
            }
        }

        var files = new List<string>();
        var folder = Path.Combine(work, "out");
        foreach (var directory in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            Assert.Empty(Directory.GetFiles(directory, "*.tmp*"));
            var parts = Directory.GetFiles(directory, "part-*").Order(StringComparer.Ordinal).ToList();
            if (concatenateFiles)
            {
                files.AddRange(parts.SelectMany(File.ReadAllLines).Select(l => Path.GetFileName(directory) + ": " + l));
            }
            else
            {
                files.AddRange(parts.Select(p => $"{Path.GetFileName(directory)}/{Path.GetFileName(p)}: {File.ReadAllText(p)}"));
            }
        }

        return new CheckpointedOutputs(rows, files);
    }
}
