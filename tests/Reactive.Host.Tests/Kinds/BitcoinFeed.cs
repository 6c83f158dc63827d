using System.Globalization;
using System.Text;

namespace Reactive.Host.Tests.Kinds;

/// <summary>One rate row of a feed as the test wrote it: its event time and each rate, null where the test mistyped it.</summary>
internal sealed record Rate(DateTime Time, double? Euro, double? Usd, double? Gbp);

/// <summary>One window as computed by brute force: its rows, and per currency the average and the number of non-null rates.</summary>
internal sealed record BruteWindow(DateTime Start, long Count, double? Euro, double? Usd, double? Gbp, long EuroCount, long UsdCount, long GbpCount);

/// <summary>The last hour as computed by brute force from the rows.</summary>
internal sealed record BruteHour(DateTime From, DateTime To, long Rows, double? Euro, double? Usd, double? Gbp);

/// <summary>
/// A bitcoin feed written by the test (JSON lines in the course's shape) with what it holds known row by row, and the
/// windows and the last hour's averages worked out from those rows by brute force — not by the product's code.
/// </summary>
internal sealed class BitcoinFeed
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Slide = TimeSpan.FromMinutes(5);

    private readonly StringBuilder _text = new();

    public List<Rate> Rows { get; } = [];

    /// <summary>Lines that are not a row, by the code the pipeline should give them.</summary>
    public Dictionary<string, int> DeadLetters { get; } = new(StringComparer.Ordinal);

    /// <summary>Fields of kept rows that were mistyped, by the code they should be counted under.</summary>
    public Dictionary<string, int> Nulled { get; } = new(StringComparer.Ordinal);

    public int Lines { get; private set; }

    public string Text => _text.ToString();

    /// <summary>
    /// <paramref name="rows"/> rows from 2021-01-04T00:00:00, 1 to 40 seconds apart with now and then a quiet half hour
    /// (windows without rows), rates on a random walk; with <paramref name="junk"/>, every 37th line something bad in
    /// turn: not JSON, an array, a timestamp that is not the format, a line over 1 MiB, and rows with a rate that is a
    /// word, an object, NaN or a bool (kept, that rate null).
    /// </summary>
    public static BitcoinFeed Generate(int rows, int seed, bool junk)
    {
        var feed = new BitcoinFeed();
        var random = new Random(seed);
        var time = new DateTime(2021, 1, 4, 0, 0, 0, DateTimeKind.Utc);
        double usd = 32000;
        for (var i = 1; feed.Rows.Count < rows; i++)
        {
            time = time.AddSeconds(random.Next(1, 41) + (random.Next(200) == 0 ? 1800 : 0));
            usd *= 1 + ((random.NextDouble() - 0.5) * 0.002);
            var euro = Math.Round(usd * 0.92, 4);
            var gbp = Math.Round(usd * 0.79, 4);
            var stamp = time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            if (!junk || i % 37 != 0)
            {
                feed.Row(new Rate(time, euro, Math.Round(usd, 4), gbp), Json(stamp, Num(euro), Num(Math.Round(usd, 4)), Num(gbp)));
                continue;
            }

            switch (i / 37 % 8)
            {
                case 0:
                    feed.Bad("bad_json", "not json at all");
                    break;
                case 1:
                    feed.Bad("bad_json", "[1,2,3]");
                    break;
                case 2:
                    feed.Bad("bad_date", Json(stamp + "Z", Num(euro), Num(usd), Num(gbp)));
                    break;
                case 3:
                    feed.Bad("line_too_long", "{\"timestamp\":\"" + stamp + "\",\"note\":\"" + new string('x', 1_200_000) + "\"}");
                    break;
                case 4:
                    feed.Mistyped("bad_number", new Rate(time, null, usd, gbp), Json(stamp, "\"abc\"", Num(usd), Num(gbp)));
                    break;
                case 5:
                    feed.Mistyped("bad_value", new Rate(time, euro, null, gbp), Json(stamp, Num(euro), "{\"value\":1}", Num(gbp)));
                    break;
                case 6:
                    feed.Mistyped("non_finite", new Rate(time, euro, usd, null), Json(stamp, Num(euro), Num(usd), "\"NaN\""));
                    break;
                default:
                    feed.Mistyped("bad_number", new Rate(time, null, usd, gbp), Json(stamp, "true", Num(usd), Num(gbp)));
                    break;
            }
        }

        return feed;
    }

    /// <summary>A feed of the given rows, each with its rates as numbers or absent when null.</summary>
    public static BitcoinFeed Of(IEnumerable<Rate> rows)
    {
        var feed = new BitcoinFeed();
        foreach (var r in rows)
        {
            var parts = new List<string> { $"\"timestamp\":\"{r.Time.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)}\"" };
            foreach (var (name, value) in new[] { ("euro_rate", r.Euro), ("usd_rate", r.Usd), ("gbp_rate", r.Gbp) })
            {
                if (value is { } v)
                {
                    parts.Add($"\"{name}\":{Num(v)}");
                }
            }

            feed.Row(r, "{" + string.Join(",", parts) + "}");
        }

        return feed;
    }

    /// <summary>Every window with rows, as Spark's <c>window(timestamp, "10 minutes", "5 minutes")</c> groups them, by start.</summary>
    public List<BruteWindow> Windows()
    {
        var sorted = Rows.OrderBy(r => r.Time).ToList();
        var times = sorted.Select(r => r.Time).ToArray();
        var result = new List<BruteWindow>();
        for (var start = Floor(times[0]) - Window + Slide; start <= times[^1]; start += Slide)
        {
            var inside = sorted[Lower(times, start)..Lower(times, start + Window)];
            if (inside.Count > 0)
            {
                result.Add(new BruteWindow(
                    start,
                    inside.Count,
                    Mean(inside, r => r.Euro),
                    Mean(inside, r => r.Usd),
                    Mean(inside, r => r.Gbp),
                    inside.Count(r => r.Euro is not null),
                    inside.Count(r => r.Usd is not null),
                    inside.Count(r => r.Gbp is not null)));
            }
        }

        return result;
    }

    /// <summary>The hour <c>[T − 1 h, T)</c>, <c>T</c> the end of the 5-minute step holding the newest row; the mean of each rate's values in it.</summary>
    public BruteHour LastHour()
    {
        var to = Floor(Rows.Max(r => r.Time)) + Slide;
        var from = to - TimeSpan.FromHours(1);
        var inside = Rows.Where(r => r.Time >= from && r.Time < to).ToList();
        return new BruteHour(from, to, inside.Count, Mean(inside, r => r.Euro), Mean(inside, r => r.Usd), Mean(inside, r => r.Gbp));
    }

    public void WriteTo(string path) => File.WriteAllText(path, Text);

    /// <summary>The index of the first of the sorted <paramref name="times"/> at or after <paramref name="time"/>.</summary>
    private static int Lower(DateTime[] times, DateTime time)
    {
        var i = Array.BinarySearch(times, time);
        if (i < 0)
        {
            return ~i;
        }

        while (i > 0 && times[i - 1] == time)
        {
            i--;
        }

        return i;
    }

    private static DateTime Floor(DateTime time) => new(time.Ticks - (time.Ticks % Slide.Ticks), DateTimeKind.Utc);

    private static double? Mean(List<Rate> rows, Func<Rate, double?> rate)
    {
        var values = rows.Select(rate).OfType<double>().ToList();
        return values.Count == 0 ? null : values.Sum() / values.Count;
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Json(string stamp, string euro, string usd, string gbp) =>
        $"{{\"timestamp\":\"{stamp}\",\"euro_rate\":{euro},\"usd_rate\":{usd},\"gbp_rate\":{gbp}}}";

    private void Row(Rate rate, string line)
    {
        Rows.Add(rate);
        Line(line);
    }

    private void Mistyped(string code, Rate rate, string line)
    {
        Nulled[code] = Nulled.GetValueOrDefault(code) + 1;
        Row(rate, line);
    }

    private void Bad(string code, string line)
    {
        DeadLetters[code] = DeadLetters.GetValueOrDefault(code) + 1;
        Line(line);
    }

    private void Line(string line)
    {
        _text.Append(line).Append('\n');
        Lines++;
    }
}
