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
        return services.AddOptions<T>()
            .Configure(options => Bind(section, options))
            .ValidateDataAnnotations()
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
