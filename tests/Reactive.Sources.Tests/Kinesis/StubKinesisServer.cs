using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Reactive.Sources.Tests.Socket;

namespace Reactive.Sources.Tests.Kinesis;

/// <summary>A request the stub received.</summary>
internal sealed record StubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : string.Empty;
}

/// <summary>What the stub answers.</summary>
internal sealed record StubResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers what a test tells it, for what kinesalite cannot be made to
/// do: throttling, server faults, other error shapes, pages of ListShards, a server that never answers.
/// It records every request (headers and body), so a test can check how the client signs.
/// </summary>
internal sealed class StubKinesisServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<StubRequest, Task<StubResponse>> _answer;
    private readonly ConcurrentQueue<StubRequest> _requests = new();
    private readonly Task _loop;

    public StubKinesisServer(Func<StubRequest, Task<StubResponse>> answer)
    {
        _answer = answer;
        for (var attempt = 1; ; attempt++)
        {
            var port = TestServer.FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                Url = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another test took the port between FreePort and Start: take another one.
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    public StubKinesisServer(params StubResponse[] responses)
        : this(Sequence(responses))
    {
    }

    public Uri Url { get; }

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    public static StubResponse Json(int status, string body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(status, body, new Dictionary<string, string>(headers ?? new Dictionary<string, string>()) { ["Content-Type"] = "application/x-amz-json-1.1" });

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static Func<StubRequest, Task<StubResponse>> Sequence(StubResponse[] responses)
    {
        var next = 0;
        return _ => Task.FromResult(responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)]);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.OfType<string>()
                .ToDictionary(k => k, k => context.Request.Headers[k] ?? string.Empty, StringComparer.OrdinalIgnoreCase);
            var request = new StubRequest(context.Request.HttpMethod, context.Request.RawUrl ?? string.Empty, headers, body);
            _requests.Enqueue(request);
            var response = await _answer(request);
            context.Response.StatusCode = response.Status;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.ContentType = value;
                }
                else
                {
                    context.Response.Headers[name] = value;
                }
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            // The client gave up (a timeout test) or the stub is closing.
        }
    }
}
