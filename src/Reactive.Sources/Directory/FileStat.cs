using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using System.Text;

namespace Reactive.Sources.Directory;

/// <summary>What kind of directory entry a path names, without following a link and without opening it.</summary>
internal enum FileKind
{
    /// <summary>Nothing (any more) at that path.</summary>
    Missing,

    /// <summary>A regular file: the only kind the directory source reads.</summary>
    Regular,

    /// <summary>A symbolic link (not followed by <see cref="FileStat.Of"/>).</summary>
    Link,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A FIFO (named pipe): opening it for reading blocks until a writer comes.</summary>
    Fifo,

    /// <summary>A character device (<c>/dev/zero</c>, a terminal): reading may never end.</summary>
    CharacterDevice,

    /// <summary>A block device.</summary>
    BlockDevice,

    /// <summary>A Unix domain socket.</summary>
    Socket,
}

/// <summary>
/// An lstat of one path: its kind, size, modification time and (on Linux) status-change time. On Linux it is read
/// with <c>statx(2)</c> (<c>AT_SYMLINK_NOFOLLOW</c>), so FIFOs, devices and sockets are told apart from regular files
/// without opening them; elsewhere from <see cref="FileInfo"/> (links are told apart, other special files are not).
/// </summary>
/// <param name="Kind">What the path names.</param>
/// <param name="Size">Size in bytes (0 for <see cref="FileKind.Missing"/>).</param>
/// <param name="LastWriteUtc">Modification time, UTC.</param>
/// <param name="ChangeUtc">Status-change time (ctime), UTC, where known: a rename sets it, so a ctime later than the
/// modification time says the file was moved (or its metadata changed) after its last write.</param>
internal readonly record struct FileStat(FileKind Kind, long Size, DateTime LastWriteUtc, DateTime? ChangeUtc)
{
    private static readonly FileStat MissingStat = new(FileKind.Missing, 0, DateTime.MinValue, null);
    private static int s_statxUsable = OperatingSystem.IsLinux() ? 1 : 0;

    /// <summary>Whether the file was moved in (or its metadata set) after its last write: its ctime is later than its mtime.</summary>
    public bool ChangedAfterLastWrite => ChangeUtc is { } ctime && ctime > LastWriteUtc;

    /// <summary>Whether size and modification time are the same as in <paramref name="other"/>.</summary>
    public bool SameContentAs(FileStat other) =>
        Kind == other.Kind && Size == other.Size && LastWriteUtc == other.LastWriteUtc;

    /// <summary>The entry at <paramref name="path"/>; a link is reported as a link (not followed) unless <paramref name="followLinks"/>.</summary>
    public static FileStat Of(string path, bool followLinks = false)
    {
        if (Volatile.Read(ref s_statxUsable) == 1)
        {
            try
            {
                var bytes = Encoding.UTF8.GetBytes(path + "\0");
                var result = NativeMethods.Statx(AtFdCwd, bytes, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, out var buffer);
                if (result == 0)
                {
                    return new FileStat(KindOf(buffer.Mode), (long)buffer.Size, buffer.MTime.ToUtc(), buffer.CTime.ToUtc());
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is ENoEnt or ENotDir or ELoop)
                {
                    return MissingStat;
                }

                if (errno != ENoSys && errno != EPerm)
                {
                    throw new IOException($"{path}: stat failed (errno {errno}).");
                }
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
            }

            // No statx here (old C library or kernel, a sandbox refusing it): FileInfo from now on.
            Volatile.Write(ref s_statxUsable, 0);
        }

        return Managed(path, followLinks);
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading only if it is (still) a regular file, closing the window between the
    /// lstat and the open: on Linux it is opened non-blocking (a FIFO swapped in does not block the open), without
    /// following a link unless <paramref name="followLinks"/>, and the open file is checked with fstat before a byte is
    /// read. Returns <see langword="null"/> and what is there instead when it is not a regular file.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there any more.</exception>
    /// <exception cref="IOException">Another error.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission.</exception>
    public static FileStream? OpenRegular(string path, bool followLinks, out FileKind found)
    {
        if (Volatile.Read(ref s_statxUsable) == 1)
        {
            var bytes = Encoding.UTF8.GetBytes(path + "\0");
            var flags = ORdOnly | ONonBlock | OCloExec | (followLinks ? 0 : ONoFollow);
            var fd = NativeMethods.Open(bytes, flags);
            if (fd < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case ENoEnt or ENotDir:
                        throw new FileNotFoundException($"{path}: no such file.", path);
                    case ELoop when !followLinks:
                        found = FileKind.Link;
                        return null;
                    case EAcces or EPerm:
                        throw new UnauthorizedAccessException($"{path}: permission denied.");
                    default:
                        throw new IOException($"{path}: open failed (errno {errno}).");
                }
            }

            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            try
            {
                if (NativeMethods.Statx(fd, EmptyPath, AtEmptyPath, StatxBasicStats, out var buffer) != 0)
                {
                    throw new IOException($"{path}: fstat failed (errno {Marshal.GetLastPInvokeError()}).");
                }

                found = KindOf(buffer.Mode);
                if (found != FileKind.Regular)
                {
                    handle.Dispose();
                    return null;
                }

                return new FileStream(handle, FileAccess.Read, bufferSize: 0);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }

        found = FileKind.Regular;
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);
    }

    private static FileStat Managed(string path, bool followLinks)
    {
        var info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
        {
            return System.IO.Directory.Exists(path) ? new FileStat(FileKind.Directory, 0, info.LastWriteTimeUtc, null) : MissingStat;
        }

        if (info.LinkTarget is not null)
        {
            if (!followLinks)
            {
                return new FileStat(FileKind.Link, 0, info.LastWriteTimeUtc, null);
            }

            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                return MissingStat;
            }

            return target is DirectoryInfo
                ? new FileStat(FileKind.Directory, 0, target.LastWriteTimeUtc, null)
                : new FileStat(FileKind.Regular, ((FileInfo)target).Length, target.LastWriteTimeUtc, null);
        }

        return new FileStat(FileKind.Regular, info.Length, info.LastWriteTimeUtc, null);
    }

    private static FileKind KindOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0xA000 => FileKind.Link,
        0x4000 => FileKind.Directory,
        0x1000 => FileKind.Fifo,
        0x2000 => FileKind.CharacterDevice,
        0x6000 => FileKind.BlockDevice,
        0xC000 => FileKind.Socket,
        _ => FileKind.Socket, // unknown special kinds are never opened either
    };

    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int OCloExec = 0x80000;
    private const int EAcces = 13;
    private static readonly byte[] EmptyPath = [0];

    // O_NOFOLLOW is 0100000 on ARM and PowerPC, 0400000 on the others (x86, s390x, RISC-V, LoongArch).
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le
        ? 0x8000
        : 0x20000;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const int EPerm = 1;
    private const int ENoEnt = 2;
    private const int ENotDir = 20;
    private const int ELoop = 40;
    private const int ENoSys = 38;

    /// <summary>A <c>struct statx_timestamp</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatxTimestamp
    {
        public long Seconds;
        public uint Nanoseconds;
        public int Reserved;

        public readonly DateTime ToUtc() =>
            DateTime.UnixEpoch.AddTicks((Seconds * TimeSpan.TicksPerSecond) + (Nanoseconds / 100));
    }

    /// <summary>A <c>struct statx</c> (256 bytes, the same layout on every Linux architecture).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(40)]
        public ulong Size;

        [FieldOffset(96)]
        public StatxTimestamp CTime;

        [FieldOffset(112)]
        public StatxTimestamp MTime;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Statx(int dirfd, byte[] path, int flags, uint mask, out StatxBuffer buffer);

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(byte[] path, int flags);
    }
}
