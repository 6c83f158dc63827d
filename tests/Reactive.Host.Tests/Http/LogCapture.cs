using Microsoft.Extensions.Logging;

namespace Reactive.Host.Tests.Http;

/// <summary>A logger provider that keeps every entry of Information and above (category, event id, message, exception).</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly List<(int EventId, TaskCompletionSource Seen)> _waiters = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when an entry with <paramref name="eventId"/> has been logged (already or later).</summary>
    public Task WhenLoggedAsync(int eventId)
    {
        lock (_gate)
        {
            if (_entries.Any(e => e.EventId == eventId))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((eventId, seen));
            return seen.Task;
        }
    }

    public void Dispose()
    {
    }

    private void Add(Entry entry)
    {
        List<TaskCompletionSource> done;
        lock (_gate)
        {
            _entries.Add(entry);
            done = [.. _waiters.Where(w => w.EventId == entry.EventId).Select(w => w.Seen)];
            _waiters.RemoveAll(w => w.EventId == entry.EventId);
        }

        done.ForEach(d => d.TrySetResult());
    }

    internal sealed record Entry(LogLevel Level, string Category, int EventId, string Message, Exception? Exception)
    {
        /// <summary>True when the entry would print a stack trace (an exception) or holds one in its text.</summary>
        public bool HasStackTrace => Exception is not null || Message.Contains("   at ", StringComparison.Ordinal);

        public override string ToString() => $"{Level} {Category}[{EventId}] {Message} {Exception}";
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(new Entry(logLevel, category, eventId.Id, formatter(state, exception), exception));
            }
        }
    }
}
