using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reactive.Host.Settings;
using Reactive.Operators;

namespace Reactive.Host.Wallet;

/// <summary>Registers the wallet client.</summary>
public static class WalletServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="WalletOptions"/> (section <c>Trading:Wallet</c>, validated at start), the typed
    /// <see cref="WalletClient"/> with its resilience pipeline, <see cref="WalletMetrics"/> and
    /// <see cref="WalletOrderExecutorFactory"/>. The client's <c>HttpClient</c> has none of the factory's loggers
    /// (<c>System.Net.Http.HttpClient.*</c>, which would write the URL with its query, hence the key): it logs itself.
    /// </summary>
    public static IServiceCollection AddWalletClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WalletOptions>().Bind(configuration.GetSection(WalletOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalletOptions>, WalletOptionsValidator>());
        services.TryAddSingleton<WalletMetrics>();
        services.TryAddSingleton<WalletOrderExecutorFactory>();
        services.AddHttpClient<WalletClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<WalletOptions>>().Value.BaseAddress();
                // The pipeline's timeouts rule.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // The executor keeps its client for its lifetime: connections are renewed by the handler instead.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddResilienceHandler(WalletResilience.PipelineName, (builder, context) => WalletResilience.Configure(
                builder,
                context.ServiceProvider.GetRequiredService<IOptions<WalletOptions>>().Value,
                context.ServiceProvider.GetRequiredService<WalletMetrics>(),
                context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WalletClient).FullName + ".Resilience")));
        return services;
    }

    /// <summary>Runs <see cref="WalletOptions.Validate"/> and names the key (<c>Trading:Wallet:…</c>), never a value.</summary>
    private sealed class WalletOptionsValidator : IValidateOptions<WalletOptions>
    {
        public ValidateOptionsResult Validate(string? name, WalletOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (OptionValidationException ex)
            {
                return ValidateOptionsResult.Fail($"{WalletOptions.SectionName}:{ex.OptionName}: {SettingsTable<WalletOptions>.MessageOf(ex)}");
            }
        }
    }
}
