using System.Globalization;
using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

/// <summary>
/// The BBO and hourly parsers read their canonical row shape on a fast path and everything else on a general path.
/// Whatever the line, <c>Parse</c> must answer exactly what the general path alone answers: same status, same value,
/// same dead-letter code, field and detail. Checked on seeded random canonical rows and on every one-byte
/// replacement, deletion and duplication of them, which cover the shapes at the fast path's edges (a comma moved,
/// a digit where a separator belongs, a sign, a space, a longer or shorter field, an out-of-range hour or minute).
/// </summary>
public class FastPathAgreementTests
{
    private static readonly byte[] Replacements = ",./:-+0159aZ \t"u8.ToArray();

    // Bytes of mangled input: a quote, a control character, DEL, a CR inside the line, and bytes that are not UTF-8
    // on their own (a lone lead byte, a continuation byte, the start of a byte-order mark).
    private static readonly byte[] OddBytes = [(byte)'"', 0x00, 0x7F, (byte)'\r', 0xFF, 0xC3, 0x80, 0xEF];

    [Fact]
    public void BboParser_EveryMutationOfCanonicalRows_SameAsGeneralPath()
    {
        var (checkedLines, _) = AssertBboAgreement(RandomQuotes(14081), Replacements);

        Assert.True(checkedLines > 40 * 40 * Replacements.Length, $"only {checkedLines} lines checked");
    }

    [Fact]
    public void BboParser_OddByteMutationsOfCanonicalRows_SameAsGeneralPath()
    {
        var (_, rejected) = AssertBboAgreement(RandomQuotes(2014), OddBytes);

        Assert.True(rejected > 40 * 40, $"only {rejected} mutated rows rejected");
    }

    [Fact]
    public void BboParser_MutationsAtEveryLineLengthAcrossTheFastPathBounds_SameAsGeneralPath()
    {
        // Symbols of 1 to 40 letters put the line (37 + symbol length - 1 bytes) on both sides of the fast path's
        // 64-byte limit, where the comma mask's four 16-byte blocks overlap least and most.
        var quotes = Enumerable.Range(1, 40).Select(n => $"{new string((char)('A' + (n % 26)), n)},03/03/2014,09:30:00.033,43.1,Z,1,43.12,P,3");
        var (checkedLines, rejected) = AssertBboAgreement(quotes, Replacements);

        Assert.True(rejected > 0 && checkedLines - rejected > 40, $"{checkedLines} lines, {rejected} rejected");
    }

    [Fact]
    public void HourlyPriceParser_OddByteMutationsOfCanonicalRows_SameAsGeneralPath()
    {
        var fast = new HourlyPriceParser();
        var general = new HourlyPriceParser();
        foreach (var text in new[] { "2017-01-01,1,0.0", "2017-03-12,24,-67.08", "2017-09-28,9,1822.95\r" })
        {
            foreach (var line in Mutations(Encoding.ASCII.GetBytes(text), OddBytes))
            {
                AssertHourlyAgreement(fast, general, line);
            }
        }
    }

    [Fact]
    public void BboParser_CanonicalRows_TakeTheFastPathAndParse()
    {
        // The agreement above would hold trivially if nothing ever parsed; the unmutated rows must be quotes.
        var random = new Random(1);
        var parser = new BboParser();
        for (var n = 0; n < 200; n++)
        {
            var text = RandomQuote(random);
            Assert.Equal(ParseStatus.Parsed, parser.Parse(Encoding.ASCII.GetBytes(text), out BboQuote q, out _));
            var fields = text.Split(',');
            Assert.Equal(fields[0], q.Symbol);
            Assert.Equal(double.Parse(fields[3], CultureInfo.InvariantCulture), q.BidPrice);
            Assert.Equal(int.Parse(fields[8], CultureInfo.InvariantCulture), q.AskSize);
        }
    }

    [Fact]
    public void HourlyPriceParser_EveryMutationOfCanonicalRows_SameAsGeneralPath()
    {
        var random = new Random(2017);
        var fast = new HourlyPriceParser();
        var general = new HourlyPriceParser();
        var parsed = 0;
        for (var n = 0; n < 60; n++)
        {
            var date = new DateOnly(2015, 1, 1).AddDays(random.Next(1500));
            var text = string.Create(CultureInfo.InvariantCulture, $"{date:yyyy-MM-dd},{random.Next(1, 25)},{random.Next(0, 20000) / 100.0}");
            foreach (var line in Mutations(Encoding.ASCII.GetBytes(text)))
            {
                parsed += AssertHourlyAgreement(fast, general, line) == ParseStatus.Parsed ? 1 : 0;
            }
        }

        Assert.True(parsed > 60, $"only {parsed} mutated rows parsed");
    }

    private static IEnumerable<string> RandomQuotes(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 40).Select(_ => RandomQuote(random)).ToList();
    }

    // Each quote with all its mutations: the fast path answers what the general path answers.
    private static (int Checked, int Rejected) AssertBboAgreement(IEnumerable<string> quotes, byte[] replacements)
    {
        var fast = new BboParser();
        var general = new BboParser();
        int checkedLines = 0, rejected = 0;
        foreach (var quote in quotes)
        {
            foreach (var line in Mutations(Encoding.ASCII.GetBytes(quote), replacements))
            {
                var a = fast.Parse(line, out BboQuote qa, out var ra);
                var b = general.ParseGeneral(Utf8TextTrim(line), out BboQuote qb, out var rb);
                Assert.True(a == b && qa == qb && ra == rb, $"'{Convert.ToHexString(line)}': fast {a} {qa} {ra}; general {b} {qb} {rb}");
                checkedLines++;
                rejected += a == ParseStatus.Rejected ? 1 : 0;
            }
        }

        return (checkedLines, rejected);
    }

    private static ParseStatus AssertHourlyAgreement(HourlyPriceParser fast, HourlyPriceParser general, byte[] line)
    {
        var a = fast.Parse(line, out HourlyPrice pa, out var ra);
        var b = general.ParseGeneral(Utf8TextTrim(line), out HourlyPrice pb, out var rb);
        Assert.True(a == b && pa == pb && ra == rb, $"'{Convert.ToHexString(line)}': fast {a} {pa} {ra}; general {b} {pb} {rb}");
        return a;
    }

    private static string RandomQuote(Random random)
    {
        string[] symbols = ["ITT", "A", "BRK.B", "GOOGL", "A.SYMBOL.LONG.ENOUGH.FOR.A.LINE.OVER.64.BYTES"];
        var date = new DateTime(2014, 1, 1).AddDays(random.Next(800));
        var time = TimeSpan.FromMilliseconds(random.Next(86_400_000));
        var bid = random.Next(1, 500_000) / Math.Pow(10, random.Next(0, 5));
        var ask = bid + (random.Next(0, 300) / 100.0);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{symbols[random.Next(symbols.Length)]},{date:MM/dd/yyyy},{time:hh\\:mm\\:ss\\.fff},{bid},{(char)('A' + random.Next(26))},{random.Next(0, 100_000)},{ask},{(char)('A' + random.Next(26))},{random.Next(0, 1000)}{(random.Next(2) == 0 ? "\r" : string.Empty)}");
    }

    // The line itself, each field emptied, every byte replaced by each of Replacements, every byte deleted and every
    // byte doubled.
    private static IEnumerable<byte[]> Mutations(byte[] line) => Mutations(line, Replacements);

    private static IEnumerable<byte[]> Mutations(byte[] line, byte[] replacements)
    {
        yield return line;
        var text = Encoding.ASCII.GetString(line);
        var fields = text.TrimEnd('\r').Split(',');
        for (var f = 0; f < fields.Length; f++)
        {
            var emptied = (string[])fields.Clone();
            emptied[f] = string.Empty;
            yield return Encoding.ASCII.GetBytes(string.Join(',', emptied));
        }

        for (var i = 0; i < line.Length; i++)
        {
            foreach (var r in replacements)
            {
                if (line[i] != r)
                {
                    var copy = (byte[])line.Clone();
                    copy[i] = r;
                    yield return copy;
                }
            }

            yield return [.. line.AsSpan(0, i), .. line.AsSpan(i + 1)];
            yield return [.. line.AsSpan(0, i + 1), .. line.AsSpan(i)];
        }
    }

    private static byte[] Utf8TextTrim(byte[] line) => Utf8Text.TrimLineEnd(line).ToArray();
}
