using System.Reactive.Linq;
using Reactive.Host.Analytics;
using Reactive.Host.Trading;

namespace Reactive.Host.Tests.Analytics;

/// <summary>
/// Unboxed field values (<see cref="FieldValue"/>) and typed row fields (<see cref="ResultFields"/>): each value type kept
/// as it was given, a row written as JSON the same whichever way its fields are held, and a reused row's values copied
/// by whoever keeps the row.
/// </summary>
public sealed class ResultFieldsTests
{
    private static readonly string[] Names = ["symbol", "n", "count", "avg", "nan", "flag", "at", "day", "none"];

    private static readonly DateTimeOffset Eastern = new(2014, 3, 3, 9, 30, 0, 33, TimeSpan.FromHours(-5));

    // Each type a row can hold, as a boxed fields list holds it.
    private static readonly object?[] Values = ["ITT", 7, 12L, 0.25, double.NaN, true, Eastern, new DateOnly(2014, 3, 3), null];

    // Worked out by hand: int and long as integers, NaN as null, the time in UTC with the milliseconds it has.
    private const string ExpectedJson =
        """{"symbol":"ITT","n":7,"count":12,"avg":0.25,"nan":null,"flag":true,"at":"2014-03-03T14:30:00.033Z","day":"2014-03-03","none":null}""";

    [Fact]
    public void Of_EachBoxedType_GivesItsKindAndTheSameValueBack()
    {
        var kinds = Values.Select(v => FieldValue.Of(v).Type).ToList();
        Assert.Equal(
            [FieldValueKind.String, FieldValueKind.Long, FieldValueKind.Long, FieldValueKind.Double, FieldValueKind.Double, FieldValueKind.Bool, FieldValueKind.Time, FieldValueKind.Other, FieldValueKind.Null],
            kinds);

        // An int comes back as a long (what a table stores and JSON writes alike); every other value as it went in.
        var back = Values.Select(v => FieldValue.Of(v).ToObject()).ToList();
        Assert.Equal(["ITT", 7L, 12L, 0.25, double.NaN, true, Eastern, new DateOnly(2014, 3, 3), null], back);
        var time = Assert.IsType<DateTimeOffset>(back[6]);
        Assert.Equal(TimeSpan.FromHours(-5), time.Offset);
        Assert.Equal(Eastern.Ticks, time.Ticks);
    }

    [Fact]
    public void Of_TimesAtTheEdgesAndOddOffsets_KeepTheirInstantAndOffset()
    {
        DateTimeOffset[] times =
        [
            DateTimeOffset.MinValue,
            DateTimeOffset.MaxValue,
            new(2024, 2, 29, 23, 59, 59, 999, TimeSpan.FromMinutes(345)),
            new(1970, 1, 1, 0, 0, 0, TimeSpan.FromHours(-14)),
            new(2000, 6, 1, 12, 0, 0, TimeSpan.FromHours(14)),
        ];

        foreach (var time in times)
        {
            var back = FieldValue.Of(time).Time;
            Assert.Equal((time.UtcTicks, time.Offset), (back.UtcTicks, back.Offset));
        }
    }

    [Fact]
    public void ToJson_TypedFieldsAndBoxedFields_GiveTheSameLine()
    {
        var boxed = new ResultRow("r", null, null, [.. Names.Zip(Values, (n, v) => new KeyValuePair<string, object?>(n, v))]);
        var typed = new ResultRow("r", null, null, Typed(shared: false));

        Assert.Equal(ExpectedJson, boxed.ToJson());
        Assert.Equal(ExpectedJson, typed.ToJson());

        // Read as a list of pairs, the typed fields give the boxed values (an int as a long).
        Assert.Equal(Names, typed.Fields.Select(f => f.Key));
        Assert.Equal(Values.Select(v => v is int i ? (long)i : v), typed.Fields.Select(f => f.Value));
    }

    [Fact]
    public void Detach_SharedFields_CopiesThem_ElseTheRowItself()
    {
        var shared = Typed(shared: true);
        var row = new ResultRow("r", null, null, shared);
        var kept = row.Detach();
        Assert.NotSame(row, kept);

        // The reused row is overwritten for the next result; the kept copy is not.
        shared.Set(0, FieldValue.Of("XYZ"));
        shared.Set(2, FieldValue.Of(13L));
        Assert.Equal(ExpectedJson, kept.ToJson());
        Assert.Contains("\"symbol\":\"XYZ\",\"n\":7,\"count\":13", row.ToJson(), StringComparison.Ordinal);

        var own = new ResultRow("r", null, null, Typed(shared: false));
        Assert.Same(own, own.Detach());
        var boxed = new ResultRow("r", null, null, [new("a", 1L)]);
        Assert.Same(boxed, boxed.Detach());
    }

    [Fact]
    public void Publish_ReusedRow_ReadersKeepTheValuesOfTheirRow()
    {
        var results = new PipelineResults();
        var kept = new List<ResultRow>();
        using var reading = results.Of("spread").Subscribe(kept.Add);
        var shared = Typed(shared: true);
        var batch = ResultBatch.Of(new ResultRow("quote", null, null, shared));

        results.Publish("spread", batch);
        shared.Set(2, FieldValue.Of(99L));
        results.Publish("spread", batch);

        Assert.Equal([12L, 99L], kept.Select(r => r.FieldAt(2).Long));
    }

    private static ResultFields Typed(bool shared)
    {
        var fields = new ResultFields(Names, shared);
        for (var i = 0; i < Values.Length; i++)
        {
            fields.Set(i, FieldValue.Of(Values[i]));
        }

        return fields;
    }
}
