using Reactive.Operators.Parsing;

namespace Reactive.Host.Analytics;

/// <summary>A field of a declared schema: its name and type, in the order of the columns.</summary>
internal sealed record DeclaredField(string Name, FieldType Type)
{
    /// <summary>What <see cref="TryParseList"/> accepts, for messages.</summary>
    public const string Syntax = "\"name type, ...\" with types string, long, double, bool, timestamp (e.g. \"t timestamp, price double, amount double\")";

    private static readonly Dictionary<string, FieldType> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = FieldType.String,
        ["long"] = FieldType.Long,
        ["bigint"] = FieldType.Long,
        ["int"] = FieldType.Long,
        ["integer"] = FieldType.Long,
        ["double"] = FieldType.Double,
        ["float"] = FieldType.Double,
        ["bool"] = FieldType.Bool,
        ["boolean"] = FieldType.Bool,
        ["timestamp"] = FieldType.Timestamp,
    };

    /// <summary>
    /// Reads a schema as Spark's DDL strings write it, <c>t TIMESTAMP, price DOUBLE, id STRING</c> (types in any case;
    /// <c>name:type</c> also); returns false with the reason when it is not one.
    /// </summary>
    public static bool TryParseList(string text, out IReadOnlyList<DeclaredField> fields, out string? error)
    {
        var list = new List<DeclaredField>();
        fields = list;
        error = null;
        foreach (var part in text.Split(','))
        {
            var words = part.Trim().Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 2)
            {
                error = $"'{part.Trim()}' is not a field; write {Syntax}";
                return false;
            }

            if (!Types.TryGetValue(words[1], out var type))
            {
                error = $"'{words[1]}' (field '{words[0]}') is not a type; write {Syntax}";
                return false;
            }

            if (list.Any(f => f.Name == words[0]))
            {
                error = $"the field '{words[0]}' is declared twice";
                return false;
            }

            list.Add(new DeclaredField(words[0], type));
        }

        return true;
    }
}
