using Microsoft.Extensions.Options;
using Reactive.WalletSimulator.Money;
using Reactive.WalletSimulator.Prices;

namespace Reactive.WalletSimulator.Configuration;

/// <summary>Checks the whole configuration at start and names every bad key, so the simulator never starts half-configured.</summary>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(SimulatorOptions o)
    {
        const string S = SimulatorOptions.Section + ":";
        if (o.Users.Count == 0)
        {
            yield return $"{S}Users must name at least one user (Simulator:Users:ID:AccessKey)";
        }

        foreach (var (id, user) in o.Users)
        {
            if (string.IsNullOrWhiteSpace(user.AccessKey))
            {
                yield return $"{S}Users:{id}:AccessKey is required";
            }

            if (user.Euro < 0 || Amounts.Decimals(user.Euro) > Amounts.EuroDecimals)
            {
                yield return $"{S}Users:{id}:Euro must be at least 0 with at most {Amounts.EuroDecimals} decimals (got {user.Euro})";
            }

            if (user.Bitcoin < 0 || Amounts.Decimals(user.Bitcoin) > Amounts.BitcoinDecimals)
            {
                yield return $"{S}Users:{id}:Bitcoin must be at least 0 with at most {Amounts.BitcoinDecimals} decimals (got {user.Bitcoin})";
            }
        }

        if (string.IsNullOrWhiteSpace(o.StatePath))
        {
            yield return $"{S}StatePath is required";
        }

        if (o.MaxAmount <= 0 || Amounts.Decimals(o.MaxAmount) > Amounts.BitcoinDecimals)
        {
            yield return $"{S}MaxAmount must be a positive number of bitcoin with at most {Amounts.BitcoinDecimals} decimals (got {o.MaxAmount})";
        }

        foreach (var problem in PriceProblems(o.Price, S + "Price:"))
        {
            yield return problem;
        }

        foreach (var problem in o.Faults.Problems(S + "Faults:"))
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> PriceProblems(PriceOptions p, string prefix)
    {
        if (!Enum.IsDefined(p.Kind))
        {
            yield return $"{prefix}Kind must be fixed, file, generator or kinesis (got {p.Kind})";
        }

        if (p.Kind == PriceKind.Kinesis)
        {
            foreach (var problem in p.Kinesis.Problems(prefix + "Kinesis:"))
            {
                yield return problem;
            }
        }

        if (p.Euro <= 0)
        {
            yield return $"{prefix}Euro must be a positive price (got {p.Euro})";
        }

        if (!double.IsFinite(p.Speed) || p.Speed <= 0)
        {
            yield return $"{prefix}Speed must be a positive finite number (got {p.Speed})";
        }

        if (p.Kind == PriceKind.File && string.IsNullOrWhiteSpace(p.File))
        {
            yield return $"{prefix}File is required when {prefix}Kind is file";
        }
        else if (p.Kind == PriceKind.File && !System.IO.File.Exists(p.File))
        {
            yield return $"{prefix}File {Path.GetFullPath(p.File!)} does not exist";
        }

        if (p.Kind == PriceKind.Generator)
        {
            string? problem = null;
            try
            {
                p.Generator.Validate();
                if (p.Generator.Rows > PriceTimeline.MaxPoints)
                {
                    problem = $"{prefix}Generator:Rows must be at most {PriceTimeline.MaxPoints} (got {p.Generator.Rows})";
                }
            }
            catch (ArgumentException ex)
            {
                // The generator's messages start with the option's name: "Interval must be …".
                problem = $"{prefix}Generator:{ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal)}";
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }
    }
}
