using System.Reactive.Concurrency;
using Reactive.Sources.Directory;
using Reactive.Sources.Replay;
using Reactive.Sources.Socket;

namespace Reactive.Sources;

/// <summary>The line sources, each as an <see cref="ILineSource"/> (their implementations are internal).</summary>
public static class LineSource
{
    /// <summary>
    /// Lines read from a TCP server as a client (Spark's socket source): reconnects with backoff and jitter; cannot
    /// replay what it missed (<see cref="ILineSource.CanReplay"/> is false). Nothing connects before the first subscription.
    /// </summary>
    /// <param name="options">Where to connect and how to reconnect; validated here.</param>
    /// <param name="timeProvider">Clock for the reconnection delays; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="jitter">Random numbers for the jitter; <see cref="Random.Shared"/> by default.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static ILineSource Socket(SocketSourceOptions options, TimeProvider? timeProvider = null, Random? jitter = null) =>
        new SocketLineSource(options, timeProvider, jitter);

    /// <summary>
    /// Lines of the files that appear in a directory (Spark's file stream source), each file once, recorded in a
    /// processed log so a restart does not read a file twice; under a checkpoint
    /// (<see cref="DirectorySourceOptions.ResumeAt"/>) it resumes exactly at the checkpoint's file and byte. Nothing is
    /// read before the first subscription.
    /// </summary>
    /// <param name="options">The directory and how to watch it; validated here.</param>
    /// <param name="timeProvider">Clock for the poll timer; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">An option is invalid or the directory is missing; the message names the option.</exception>
    public static ILineSource Directory(DirectorySourceOptions options, TimeProvider? timeProvider = null) =>
        new DirectoryLineSource(options, timeProvider);

    /// <summary>
    /// A replay of the file at <paramref name="path"/>: its lines at their original event-time spacing × speed, or as
    /// fast as possible, on <paramref name="scheduler"/> (a virtual-time one for backtests and tests).
    /// </summary>
    /// <param name="path">The file to replay.</param>
    /// <param name="options">Pacing, resume position and limits; validated here.</param>
    /// <param name="scheduler">The scheduler that paces the lines.</param>
    public static ILineSource Replay(string path, FileReplayOptions options, IScheduler scheduler) =>
        new FileReplaySource(path, options, scheduler);
}
