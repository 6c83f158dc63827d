using System.Text;
using Reactive.Operators.Parsing;

namespace Reactive.Operators.Tests.Parsing;

public class Utf8TextTests
{
    // The fields as string.Split sees them: the independent reference for SplitCommas.
    private static void AssertSplitLikeStringSplit(string line, int capacity = 128)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line);
        string[] expected = line.Split(',');
        var fields = new Range[capacity];

        int count = Utf8Text.SplitCommas(bytes, fields);

        if (expected.Length > capacity)
        {
            Assert.Equal(capacity + 1, count);
        }
        else
        {
            Assert.Equal(expected.Length, count);
        }

        for (int i = 0; i < Math.Min(expected.Length, capacity); i++)
        {
            Assert.Equal(expected[i], Encoding.ASCII.GetString(bytes.AsSpan()[fields[i]]));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData(",")]
    [InlineData("a")]
    [InlineData("a,b")]
    [InlineData(",a,")]
    [InlineData("2017-01-01,8,1.71")] // 17 bytes: one vector block and a 1-byte tail
    [InlineData("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3")]
    [InlineData("abcdefghijklmno,")] // comma at 15, the last byte of the first block
    [InlineData("abcdefghijklmnop,")] // comma at 16, the first byte of the tail
    [InlineData("abcdefghijklmnop,q")]
    [InlineData("abcdefghijklmno,pqrstuvwxyzabcde,fghij")] // commas at 15 and 31: last byte of two blocks
    [InlineData("abcdefghijklmnop,qrstuvwxyzabcde,fghij")] // commas at 16 and 32: first byte of two blocks
    [InlineData(",,,,,,,,,,,,,,,,")] // 16 commas: a whole block of them
    [InlineData(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,")] // 40 commas, 41 empty fields
    public void SplitCommas_Line_SameFieldsAsStringSplit(string line) => AssertSplitLikeStringSplit(line);

    [Fact]
    public void SplitCommas_EveryLengthAndCommaPosition_SameFieldsAsStringSplit()
    {
        // Lines of 0..70 bytes with one comma at each position, then two commas at every pair of positions
        // (covers commas on either side of the 16, 32 and 48 byte vector boundaries and in the scalar tail).
        for (int length = 0; length <= 70; length++)
        {
            AssertSplitLikeStringSplit(new string('x', length));
            for (int a = 0; a < length; a++)
            {
                var chars = new string('x', length).ToCharArray();
                chars[a] = ',';
                AssertSplitLikeStringSplit(new string(chars));
                for (int b = a + 1; b < length; b++)
                {
                    chars[b] = ',';
                    AssertSplitLikeStringSplit(new string(chars));
                    chars[b] = 'x';
                }
            }
        }
    }

    [Fact]
    public void CommaMask16To64_EveryLengthAndRandomCommas_BitPerComma()
    {
        var random = new Random(64);
        for (int length = 16; length <= 64; length++)
        {
            for (int n = 0; n < 200; n++)
            {
                var bytes = new byte[length];
                ulong expected = 0;
                for (int i = 0; i < length; i++)
                {
                    // n == 0: no comma at all; n == 1: commas everywhere; then about one byte in four.
                    bool comma = n == 1 || (n > 1 && random.Next(4) == 0);
                    bytes[i] = comma ? (byte)',' : (byte)random.Next('0', 'z');
                    expected |= comma ? 1UL << i : 0;
                }

                Assert.Equal(expected, Utf8Text.CommaMask16To64(bytes));
            }
        }
    }

    [Fact]
    public void SplitCommas_RandomLines_SameFieldsAsStringSplit()
    {
        var random = new Random(20261122);
        for (int i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 120)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(4) == 0 ? ',' : (char)('a' + random.Next(26));
            }

            AssertSplitLikeStringSplit(new string(chars));
        }
    }

    [Theory]
    [InlineData(17)] // more than one block of fields
    [InlineData(33)] // more than two
    [InlineData(64)]
    public void SplitCommas_ManyFields_AllFound(int fieldCount)
    {
        string line = string.Join(',', Enumerable.Range(0, fieldCount).Select(i => $"f{i}"));
        var fields = new Range[fieldCount];

        int count = Utf8Text.SplitCommas(Encoding.ASCII.GetBytes(line), fields);

        Assert.Equal(fieldCount, count);
        for (int i = 0; i < fieldCount; i++)
        {
            Assert.Equal($"f{i}", line[fields[i]]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(40)]
    public void SplitCommas_MoreFieldsThanRoom_ReturnsRoomPlusOne(int capacity)
    {
        // 41 fields, so every capacity here is too small except none: always capacity + 1, first fields filled.
        string line = string.Join(',', Enumerable.Range(0, 41).Select(i => $"{i}"));
        AssertSplitLikeStringSplit(line, capacity);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    public void SplitCommas_NineFieldsInNineOrMoreSlots_ReturnsNine(int capacity) =>
        AssertSplitLikeStringSplit("ITT,03/03/2014,09:30:00.033,43.16,Z,1,43.69,P,3", capacity);

    [Theory]
    [InlineData("09:30:00.033", 9, 30, 0, 33)]
    [InlineData("00:00:00.000", 0, 0, 0, 0)]
    [InlineData("23:59:59.999", 23, 59, 59, 999)]
    [InlineData("16:00:59.804", 16, 0, 59, 804)]
    [InlineData("12:34:56.100", 12, 34, 56, 100)]
    public void TryParseTimeOfDay_FixedMillisecondShape_ReadsTicks(string text, int h, int m, int s, int ms)
    {
        Assert.True(Utf8Text.TryParseTimeOfDay(Encoding.ASCII.GetBytes(text), out long ticks));
        Assert.Equal(new TimeSpan(0, h, m, s, ms).Ticks, ticks);
    }

    [Theory]
    [InlineData("09:30:00", 0)]
    [InlineData("09:30:00.5", 5_000_000)]
    [InlineData("09:30:00.05", 500_000)]
    [InlineData("09:30:00.0330", 330_000)]
    [InlineData("09:30:00.1234567", 1_234_567)]
    [InlineData("9:30:00.033", 330_000)] // one-digit hour, 11 bytes
    [InlineData("9:30:00.0330", 330_000)] // one-digit hour and 4 fraction digits: 12 bytes, not the fast shape
    public void TryParseTimeOfDay_OtherShapes_GeneralPathReadsTicks(string text, long fractionTicks)
    {
        Assert.True(Utf8Text.TryParseTimeOfDay(Encoding.ASCII.GetBytes(text), out long ticks));
        Assert.Equal(new TimeSpan(9, 30, 0).Ticks + fractionTicks, ticks);
    }

    [Theory]
    [InlineData("24:00:00.000")]
    [InlineData("23:60:00.000")]
    [InlineData("23:59:60.000")]
    [InlineData("99:99:99.999")]
    [InlineData("0a:30:00.000")]
    [InlineData("09:3a:00.000")]
    [InlineData("09:30:0a.000")]
    [InlineData("09:30:00.00a")]
    [InlineData("09:30:00.-12")]
    [InlineData("09:30:00./12")] // '/' is '0' − 1: must not wrap into a digit
    [InlineData("09:30:00,123")]
    [InlineData("09-30-00.123")]
    [InlineData(" 9:30:00.123")]
    [InlineData("::::::::::::")]
    [InlineData("09:30:00.12345678")]
    [InlineData("09:30:00.")]
    [InlineData("09:30")]
    [InlineData("")]
    public void TryParseTimeOfDay_Invalid_False(string text) =>
        Assert.False(Utf8Text.TryParseTimeOfDay(Encoding.ASCII.GetBytes(text), out _));
}
