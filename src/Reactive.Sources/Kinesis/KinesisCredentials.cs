using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace Reactive.Sources.Kinesis;

/// <summary>
/// The credentials the signer asks for on every request: the configured keys, or AWS's default chain,
/// searched on first use (not in the constructor, which must not block on the instance-metadata
/// address). It remembers the secrets it handed out so that server texts can be cleaned of them.
/// </summary>
internal sealed class KinesisCredentials : AWSCredentials
{
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private AWSCredentials? _inner;
    private string[] _secrets = [];

    public KinesisCredentials(KinesisOptions options)
    {
        if (options.HasExplicitCredentials)
        {
            _inner = string.IsNullOrEmpty(options.SessionToken)
                ? new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey)
                : new SessionAWSCredentials(options.AccessKeyId, options.SecretAccessKey, options.SessionToken);
            Remember(options.SecretAccessKey, options.SessionToken);
        }
    }

    /// <summary>The secret keys and session tokens handed out so far (to clean texts of them).</summary>
    public IReadOnlyList<string> Secrets => Volatile.Read(ref _secrets);

    public override ImmutableCredentials GetCredentials()
    {
        if (_inner is null)
        {
            _resolving.Wait();
            try
            {
                _inner ??= Fetch(() => DefaultAWSCredentialsIdentityResolver.GetCredentials(null));
            }
            finally
            {
                _resolving.Release();
            }
        }

        return Remember(Fetch(() => _inner.GetCredentials()));
    }

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        if (_inner is null)
        {
            await _resolving.WaitAsync().ConfigureAwait(false);
            try
            {
                _inner ??= await ResolveAsync().ConfigureAwait(false);
            }
            finally
            {
                _resolving.Release();
            }
        }

        ImmutableCredentials credentials;
        try
        {
            credentials = await _inner.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new KinesisCredentialsUnavailableException(e);
        }

        return Remember(credentials);
    }

    private static async Task<AWSCredentials> ResolveAsync()
    {
        try
        {
            return await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw new KinesisCredentialsUnavailableException(e);
        }
    }

    private static T Fetch<T>(Func<T> fetch)
    {
        try
        {
            return fetch();
        }
        catch (AmazonClientException e)
        {
            throw new KinesisCredentialsUnavailableException(e);
        }
    }

    private ImmutableCredentials Remember(ImmutableCredentials credentials)
    {
        Remember(credentials.SecretKey, credentials.UseToken ? credentials.Token : null);
        return credentials;
    }

    private void Remember(string? secretKey, string? token)
    {
        var known = Volatile.Read(ref _secrets);
        if ((secretKey is null || known.Contains(secretKey)) && (token is null || known.Contains(token)))
        {
            return;
        }

        // Refreshing credentials (a role's) hand out new keys over time: keep the last few.
        string[] updated = [.. new[] { secretKey, token }.OfType<string>().Where(s => s.Length > 0), .. known];
        Volatile.Write(ref _secrets, updated.Distinct().Take(8).ToArray());
    }
}

/// <summary>No credentials were configured and AWS's default chain found none (the signer lets it through to the client).</summary>
internal sealed class KinesisCredentialsUnavailableException(Exception inner)
    : Exception("No AWS credentials: KinesisOptions.AccessKeyId/SecretAccessKey are not set and AWS's default chain (environment variables, profiles, web identity, instance or container role) found none.", inner);
