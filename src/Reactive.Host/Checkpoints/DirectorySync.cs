using System.Runtime.InteropServices;
using System.Text;

namespace Reactive.Host.Checkpoints;

/// <summary>
/// Makes a rename durable: on Linux a renamed file's new name is on disk only once its directory is flushed
/// (<c>fsync</c> of the directory), so a power loss right after a checkpoint's rename cannot bring back the old file.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY on x86-64 and arm64 Linux

    /// <summary>Flushes <paramref name="path"/>'s entries to disk; false where the system has no such call (not Linux).</summary>
    /// <exception cref="IOException">The directory could not be opened or flushed; the message names it and the error.</exception>
    public static bool Flush(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var fd = NativeMethods.Open(Encoding.UTF8.GetBytes(path + "\0"), ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"{path}: cannot open the directory to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (NativeMethods.Fsync(fd) != 0)
            {
                throw new IOException($"{path}: cannot flush the directory to disk (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }

        return true;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
