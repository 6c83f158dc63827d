using System.Globalization;

namespace Reactive.WalletSimulator.Money;

/// <summary>Amounts of bitcoin (8 decimals, a satoshi) and euro (cents): parsing, checking and writing them.</summary>
internal static class Amounts
{
    public const int BitcoinDecimals = 8;
    public const int EuroDecimals = 2;

    /// <summary>The longest amount text a refusal repeats back.</summary>
    private const int EchoLength = 40;

    /// <summary>
    /// Reads the <c>amount</c> of an order: a positive finite decimal number of bitcoin (exponents allowed, as in 1e-3), with
    /// at most 8 decimals and at most <paramref name="max"/>. On failure, <paramref name="error"/> is the answer's text.
    /// </summary>
    public static bool TryParseOrder(string? text, decimal max, out decimal amount, out string error)
    {
        amount = 0;
        if (string.IsNullOrEmpty(text))
        {
            error = "amount is required: a positive number of bitcoin";
            return false;
        }

        const NumberStyles Style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        if (!decimal.TryParse(text, Style, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            error = $"amount must be a positive finite number of bitcoin (got '{Echo(text)}')";
            return false;
        }

        value = Normalize(value);
        if (Decimals(value) > BitcoinDecimals)
        {
            error = $"amount has more than {BitcoinDecimals} decimals (got '{Echo(text)}'); the smallest amount is 0.00000001 bitcoin";
            return false;
        }

        if (value > max)
        {
            error = $"amount {Format(value)} is above the largest order, {Format(max)} bitcoin";
            return false;
        }

        amount = value;
        error = "";
        return true;
    }

    /// <summary>The number of decimals <paramref name="value"/> needs (trailing zeros do not count).</summary>
    public static int Decimals(decimal value) => Normalize(value).Scale;

    /// <summary>The same value without trailing zeros (1.500 → 1.5).</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>The value as the answers and the state file write it: invariant, no trailing zeros.</summary>
    public static string Format(decimal value) => Normalize(value).ToString(CultureInfo.InvariantCulture);

    /// <summary>A euro amount with its cents (15000.00).</summary>
    public static string FormatEuro(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>What a buy costs: rounded up to the cent, so the simulator never gives money away.</summary>
    public static decimal Cost(decimal amount, decimal price) => Math.Ceiling(amount * price * 100) / 100;

    /// <summary>What a sell brings: rounded down to the cent, for the same reason.</summary>
    public static decimal Proceeds(decimal amount, decimal price) => Math.Floor(amount * price * 100) / 100;

    public static decimal Parse(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    /// <summary>User input repeated in an answer: cut short, one line.</summary>
    public static string Echo(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= EchoLength ? line : line[..EchoLength] + "…";
    }
}
