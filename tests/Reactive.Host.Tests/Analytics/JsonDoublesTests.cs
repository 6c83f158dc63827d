using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Reactive.Host.Analytics;

namespace Reactive.Host.Tests.Analytics;

/// <summary>
/// <see cref="JsonDoubles"/> writes each double as the runtime's JSON writer does (the oracle: <see cref="Utf8JsonWriter.WriteNumberValue(double)"/>
/// on the same value), takes its fast path for feed-like values, and leaves the rest to the runtime; a row's field names
/// escaped once read as the names escaped per row did.
/// </summary>
public sealed class JsonDoublesTests
{
    private static readonly double[] Powers = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12];

    [Theory]
    [InlineData(131.56, "131.56")]
    [InlineData(0.25, "0.25")]
    [InlineData(-64123.5, "-64123.5")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000123456, "0.000123456")]
    [InlineData(42.0, "42")]
    [InlineData(123456789012345.0, "123456789012345")]
    [InlineData(4503599.62737049, "4503599.62737049")]
    [InlineData(8670714.2, "8670714.2")]
    [InlineData(-85809292462.6, "-85809292462.6")]
    public void TryFormatShort_FeedLikeValues_TakeTheFastPathWithTheShortestText(double value, string expected)
    {
        Span<byte> text = stackalloc byte[JsonDoubles.MaxLength];
        Assert.True(JsonDoubles.TryFormatShort(value, text, out var length));
        Assert.Equal(expected, Encoding.UTF8.GetString(text[..length]));
        Assert.Equal($"[1,{expected},2]", Runtime(value));
    }

    [Theory]
    [InlineData(0.00009)]
    [InlineData(1e15)]
    [InlineData(1.0 / 3)]
    [InlineData(0.1 + 0.2)]
    [InlineData(1.0000000001)]
    [InlineData(0.000123456789)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void TryFormatShort_OtherValues_AreLeftToTheRuntime(double value)
    {
        Span<byte> text = stackalloc byte[JsonDoubles.MaxLength];
        Assert.False(JsonDoubles.TryFormatShort(value, text, out var length));
        Assert.Equal(0, length);
    }

    [Fact]
    public void Write_Zeros_KeepTheirSign()
    {
        // The runtime writes −0 as "-0"; the fast path leaves both zeros to it.
        Assert.False(JsonDoubles.TryFormatShort(0.0, new byte[JsonDoubles.MaxLength], out _));
        Assert.False(JsonDoubles.TryFormatShort(-0.0, new byte[JsonDoubles.MaxLength], out _));
        Assert.Equal("[1,0,2]", Written(0.0));
        Assert.Equal("[1,-0,2]", Written(-0.0));
    }

    [Fact]
    public void TryFormatShort_AComputedSpread_IsLeftToTheRuntime()
    {
        // 131.57 − 131.56 in binary is not 0.01: its shortest text has seventeen digits, which only the runtime writes.
        var spread = 131.57 - 131.56;
        Assert.False(JsonDoubles.TryFormatShort(spread, new byte[JsonDoubles.MaxLength], out _));
        Assert.Equal(Runtime(spread), Written(spread));
    }

    [Fact]
    public void Write_DecimalsAtEveryScaleAndMagnitude_MatchTheRuntimeByteForByte()
    {
        var random = new Random(20261205);
        var fast = 0;
        for (var i = 0; i < 400_000; i++)
        {
            // An integer of 1 to 16 digits over a power of ten from 0 to 12: prices, sizes, rates, and values past the fast
            // path's nine decimals or 2^53.
            var digits = random.Next(1, 17);
            var integer = (double)random.NextInt64((long)Math.Pow(10, digits - 1), (long)Math.Pow(10, digits));
            var value = integer / Powers[random.Next(Powers.Length)] * (random.Next(2) == 0 ? 1 : -1);
            fast += Check(value);
        }

        // Most such values are in the fast path's range; the check is not vacuous.
        Assert.InRange(fast, 200_000, 400_000);
    }

    [Fact]
    public void Write_ArbitraryDoublesAndEdges_MatchTheRuntimeByteForByte()
    {
        var random = new Random(5);
        for (var i = 0; i < 300_000; i++)
        {
            // Uniform in the exponent from 1e-7 to 1e17: mostly seventeen-digit values, some the fast path can take.
            var value = Math.Pow(10, (random.NextDouble() * 24) - 7) * (random.Next(2) == 0 ? 1 : -1);
            Check(value);
            Check(Math.Round(value, random.Next(0, 10)));
        }

        double[] edges =
        [
            1e-4, Math.BitDecrement(1e-4), Math.BitIncrement(1e-4), 1e-5, 0.00012, 1e15, Math.BitDecrement(1e15), 999999999999999.9,
            9007199254740992.0, 9007199254740991.0, 9007199.254740992, 9007199.254740993, Math.BitIncrement(9007199.254740992),
            4503599.627370496, 4503599.627370497, 4503599627370496.0, 450359962737049.6, 8670714.2, 8670714.199999999,
            0.1 + 0.2, 0.3, 1.005, 2.675, 1e9 + 0.5, 123456.000000001, 0.5, 1.5, 2.5, -1e-4, 5e-324, double.MaxValue, double.MinValue,
        ];
        foreach (var value in edges)
        {
            Check(value);
        }

        // Neighbours of values the fast path takes: one unit in the last place away, the shortest text is another.
        for (var i = 0; i < 100_000; i++)
        {
            var value = random.NextInt64(1, 100_000_000) / 100.0;
            Check(Math.BitIncrement(value));
            Check(Math.BitDecrement(value));
        }
    }

    [Fact]
    public void Row_FieldNamesThatNeedEscaping_ReadAsTheRuntimeEscapesThem()
    {
        string[] names = ["plain", "quote\"d", "back\\slash", "café", "a<b", "tab\there"];
        var fields = new ResultFields(names);
        for (var i = 0; i < names.Length; i++)
        {
            fields.Set(i, FieldValue.Of(i + 0.5));
        }

        // The same names as a plain list of pairs: the writer escapes them itself, name by name.
        var pairs = names.Select((name, i) => new KeyValuePair<string, object?>(name, i + 0.5)).ToList();
        var typed = new ResultRow("k", null, null, fields);
        var boxed = new ResultRow("k", null, null, pairs);
        Assert.Equal(boxed.ToJson(), typed.ToJson());
        Assert.Equal("""{"plain":0.5,"quote\"d":1.5,"back\\slash":2.5,"café":3.5,"a<b":4.5,"tab\there":5.5}""", typed.ToJson());

        // A writer with another encoder (the default one escapes é and <) gets the names it escapes, not the lines' form.
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default }))
        {
            typed.WriteJson(json, includeKind: false);
        }

        Assert.Equal("""{"plain":0.5,"quote\u0022d":1.5,"back\\slash":2.5,"caf\u00E9":3.5,"a\u003Cb":4.5,"tab\there":5.5}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    // 1 when the fast path took the value; the text the writer got matches the runtime's either way.
    private static int Check(double value)
    {
        var written = Written(value);
        var expected = Runtime(value);
        if (written != expected)
        {
            Assert.Fail($"{value:R} ({BitConverter.DoubleToInt64Bits(value):X16}): wrote {written}, the runtime writes {expected}");
        }

        return JsonDoubles.TryFormatShort(value, new byte[JsonDoubles.MaxLength], out _) ? 1 : 0;
    }

    private static string Written(double value) => Array(json => JsonDoubles.Write(json, value));

    private static string Runtime(double value) => Array(json => json.WriteNumberValue(value));

    // The value as the only element of an array, so that the writer's separators are part of what is compared.
    private static string Array(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, ResultRow.JsonLineOptions))
        {
            json.WriteStartArray();
            json.WriteNumberValue(1);
            write(json);
            json.WriteNumberValue(2);
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
