using System.Text;

namespace Reactive.Host.Cli;

/// <summary>
/// The process's standard output as the commands and the service write it. <see cref="Console.Out"/> encodes through a
/// 256-byte buffer: a console sink's burst of result lines (the service hands over one socket read's rows at a time) left
/// as one <c>write(2)</c> per 256 bytes — at 100 k quotes/s about 78,000 system calls a second on the thread that reads
/// the socket. This writer behaves like <see cref="Console.Out"/> (each call is flushed before it returns, calls from
/// several threads are serialized, the console's encoding without a byte-order mark) with a 64 KiB buffer, so each call
/// is one write.
/// </summary>
internal static class StandardOutput
{
    /// <summary>The characters one write can hold before the writer empties its buffer into the stream.</summary>
    internal const int BufferChars = 64 * 1024;

    /// <summary>The process's standard output, with <see cref="Console.OutputEncoding"/>.</summary>
    public static TextWriter Open() => Create(Console.OpenStandardOutput(), Console.OutputEncoding);

    /// <summary>A writer over <paramref name="stream"/> like <see cref="Open"/>'s (for tests: any stream).</summary>
    /// <param name="stream">Where the bytes go; left open when the writer is disposed.</param>
    /// <param name="encoding">The text's encoding; its byte-order mark, if it has one, is never written.</param>
    internal static TextWriter Create(Stream stream, Encoding encoding)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(encoding);
        if (encoding.Preamble.Length > 0)
        {
            encoding = encoding.CodePage switch
            {
                65001 => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
                1200 => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
                1201 => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
                12000 => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
                12001 => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
                _ => encoding,
            };
        }

        return TextWriter.Synchronized(new StreamWriter(stream, encoding, BufferChars, leaveOpen: true) { AutoFlush = true });
    }
}
