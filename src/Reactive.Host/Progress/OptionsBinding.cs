using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reactive.Operators.Time;

namespace Reactive.Host.Progress;

/// <summary>
/// Binds an options class from a configuration section, reading <see cref="TimeSpan"/> properties
/// as durations the way the rest of the configuration writes them (<c>10 seconds</c>, <c>500 milliseconds</c>,
/// or <c>00:00:10</c>). A value that does not read stops the service at start with the key named.
/// </summary>
internal static class OptionsBinding
{
    public static OptionsBuilder<T> AddReactiveOptions<T>(this IServiceCollection services, IConfiguration section)
        where T : class
    {
        // The section's data annotations, each failure naming the full key (Tables:CommitInterval, not CommitInterval).
        var path = (section as IConfigurationSection)?.Path;
        services.AddSingleton<IValidateOptions<T>>(new KeyedDataAnnotations<T>(path));
        return services.AddOptions<T>()
            .Configure(options => Bind(section, options))
            .ValidateOnStart();
    }

    public static void Bind<T>(IConfiguration section, T options)
        where T : class
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                continue;
            }

            var child = section.GetSection(property.Name);
            var path = child.Path;
            if (property.PropertyType == typeof(TimeSpan))
            {
                if (child.Value is { } text)
                {
                    if (!Durations.TryParse(text, out var duration, out var error))
                    {
                        throw new OptionsValidationException(path, typeof(T), [$"{path}: {error}"]);
                    }

                    property.SetValue(options, duration);
                }

                continue;
            }

            if (child.Value is null && !child.GetChildren().Any())
            {
                continue;
            }

            try
            {
                property.SetValue(options, child.Get(property.PropertyType));
            }
            catch (InvalidOperationException)
            {
                // A secret's value is never shown; the key is.
                var shown = Reactive.Host.Settings.SecretKeys.IsSecret(path) ? Reactive.Host.Settings.SecretKeys.Hidden : $"'{child.Value}'";
                throw new OptionsValidationException(path, typeof(T), [$"{path}: {shown} is not a valid {property.PropertyType.Name}"]);
            }
        }
    }
}

/// <summary>
/// The data annotations of an options class (<see cref="Validator.TryValidateObject(object, ValidationContext, ICollection{ValidationResult}?, bool)"/>,
/// every property), each failure as <c>Section:Property: message (got value)</c>: the key as the user writes it in
/// appsettings.json, the environment or the command line, and the value read (a duration as a duration; a secret's never).
/// </summary>
internal sealed class KeyedDataAnnotations<T>(string? sectionPath) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r => Describe(options, r)));
    }

    private string Describe(T options, ValidationResult result)
    {
        var member = result.MemberNames.FirstOrDefault();
        if (member is null)
        {
            return sectionPath is null ? result.ErrorMessage ?? "invalid" : $"{sectionPath}: {result.ErrorMessage}";
        }

        var key = sectionPath is null ? member : ConfigurationPath.Combine(sectionPath, member);
        var property = typeof(T).GetProperty(member);
        var value = property?.GetValue(options);
        var shown = Reactive.Host.Settings.SecretKeys.IsSecret(key)
            ? Reactive.Host.Settings.SecretKeys.Hidden
            : value switch
            {
                null => "nothing",
                TimeSpan t => Durations.Format(t),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
        // A duration's range in the configuration's own words (100 milliseconds, 1 day), not as 00:00:00.1000000 and 1.00:00:00.
        var message = property?.GetCustomAttribute<RangeAttribute>() is { OperandType: var type, ErrorMessage: null } range && type == typeof(TimeSpan)
            && TimeSpan.TryParse(range.Minimum as string, CultureInfo.InvariantCulture, out var min)
            && TimeSpan.TryParse(range.Maximum as string, CultureInfo.InvariantCulture, out var max)
            ? $"must be between {Durations.Format(min)} and {Durations.Format(max)}"
            : result.ErrorMessage?.TrimEnd('.');
        return $"{key}: {message} (got {shown}).";
    }
}
