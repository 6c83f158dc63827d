using System.Collections;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Reactive.Host.Analytics;

/// <summary>
/// A row's fields held as <see cref="FieldValue"/>s under names shared by every row of its kind: read through
/// <see cref="ResultRow.FieldAt"/>, a sink writes them without a box. As a list of name/value pairs (what other readers
/// see) each value is boxed when it is read.
/// </summary>
/// <remarks>
/// A live per-quote pipeline reuses one row and its fields for every quote (<see cref="Kinds.ComposeContext.ReuseRows"/>):
/// such fields are <see cref="Shared"/> and valid only while the row is being handed on; whoever keeps a row past that
/// keeps <see cref="ResultRow.Detach"/>'s copy.
/// </remarks>
internal sealed class ResultFields : IReadOnlyList<KeyValuePair<string, object?>>
{
    // Each names array's JSON-escaped UTF-8 form, made once for every row that shares the array (a per-row lookup, not a
    // per-row escape and transcode of each name: 6 % of the service's samples at 400 k quotes/s).
    private static readonly ConditionalWeakTable<string[], JsonEncodedText[]> Encoded = new();

    private readonly string[] _names;
    private readonly FieldValue[] _values;
    private JsonEncodedText[]? _encoded;

    /// <param name="names">The fields' names, in order (shared, never changed).</param>
    /// <param name="shared">Whether the values are overwritten for the next row (see <see cref="Shared"/>).</param>
    public ResultFields(string[] names, bool shared = false)
    {
        _names = names;
        _values = new FieldValue[names.Length];
        Shared = shared;
    }

    /// <summary>Whether the values are overwritten for the next row: a row holding them must be detached to be kept.</summary>
    public bool Shared { get; }

    public int Count => _values.Length;

    public KeyValuePair<string, object?> this[int index] => new(_names[index], _values[index].ToObject());

    /// <summary>The name of field <paramref name="index"/>.</summary>
    public string NameAt(int index) => _names[index];

    /// <summary>
    /// The name of field <paramref name="index"/> as <see cref="ResultRow.JsonLineOptions"/>' encoder escapes it (for a
    /// writer with those options only).
    /// </summary>
    public JsonEncodedText JsonNameAt(int index) => (_encoded ??= Encoded.GetValue(_names, EncodeNames))[index];

    /// <summary>The value of field <paramref name="index"/>, unboxed.</summary>
    public FieldValue ValueAt(int index) => _values[index];

    /// <summary>Sets field <paramref name="index"/>.</summary>
    public void Set(int index, FieldValue value) => _values[index] = value;

    /// <summary>A copy that is not <see cref="Shared"/>.</summary>
    public ResultFields Copy()
    {
        var copy = new ResultFields(_names) { _encoded = _encoded };
        _values.CopyTo(copy._values, 0);
        return copy;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < _values.Length; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static JsonEncodedText[] EncodeNames(string[] names) =>
        [.. names.Select(static name => JsonEncodedText.Encode(name, ResultRow.JsonLineOptions.Encoder))];
}
