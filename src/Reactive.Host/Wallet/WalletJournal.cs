using System.Globalization;
using Microsoft.Data.Sqlite;
using Reactive.Host.Trading;
using Reactive.Operators.Trading;

namespace Reactive.Host.Wallet;

/// <summary>Where an order stands in the journal.</summary>
internal enum JournalPhase
{
    /// <summary>Journaled, no request in flight: nothing sent yet, or every send so far reconciled as not executed.</summary>
    Unsent,

    /// <summary>A request was sent (or was about to be) and its outcome is not known: it must be reconciled before anything is sent.</summary>
    Sent,

    /// <summary>Settled: its first outcome is final.</summary>
    Done,
}

/// <summary>One order decision in the journal.</summary>
internal sealed record JournalEntry(
    long Seq,
    string DecisionId,
    string UserId,
    OrderSide Side,
    decimal Amount,
    double Price,
    JournalPhase Phase,
    OrderStatus Status,
    int Sends,
    WalletBalances? Before,
    WalletBalances? Expected,
    WalletBalances? After,
    string Detail)
{
    public OrderExecution ToExecution() => new(DecisionId, Side, (double)Amount, Status, Detail, Sends, After);
}

/// <summary>
/// The durable record of every order decision the executor placed (SQLite, <c>PRAGMA synchronous=FULL</c> in WAL mode:
/// a write is on disk when the call returns). An order is written before its request leaves, with the balances read
/// just before and those expected after; each outcome is written when it is known. Versioned by <c>user_version</c>.
/// </summary>
internal sealed class WalletJournal : IDisposable
{
    /// <summary>The journal's file name in a state directory.</summary>
    public const string FileName = "wallet-orders.db";

    private const int Version = 1;
    private const string Columns = "seq, decision_id, user_id, side, amount, price, phase, status, sends, before_bitcoin, before_euro, expected_bitcoin, expected_euro, after_bitcoin, after_euro, detail";
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;

    private WalletJournal(SqliteConnection connection, string path, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        Path = path;
    }

    /// <summary>The journal's file.</summary>
    public string Path { get; }

    /// <summary>Opens (or creates) the journal in <paramref name="stateDirectory"/>.</summary>
    public static WalletJournal Open(string stateDirectory, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stateDirectory);
        Directory.CreateDirectory(stateDirectory);
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(stateDirectory, FileName));
        // No pooling: the file is closed when the executor is disposed (a restarted executor, or a test, opens it anew).
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
            using (var version = connection.CreateCommand())
            {
                version.CommandText = "PRAGMA user_version";
                var found = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (found > Version)
                {
                    throw new InvalidOperationException($"the wallet journal {path} is of version {found}, newer than this build's {Version}");
                }
            }

            Execute(connection, $"""
                CREATE TABLE IF NOT EXISTS orders (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    decision_id TEXT NOT NULL UNIQUE,
                    user_id TEXT NOT NULL,
                    side TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    price REAL NOT NULL,
                    phase TEXT NOT NULL,
                    status TEXT NOT NULL,
                    sends INTEGER NOT NULL,
                    before_bitcoin REAL, before_euro REAL,
                    expected_bitcoin REAL, expected_euro REAL,
                    after_bitcoin REAL, after_euro REAL,
                    detail TEXT NOT NULL,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    decision_id TEXT NOT NULL,
                    time TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    status TEXT NOT NULL,
                    detail TEXT NOT NULL);
                PRAGMA user_version = {Version};
                """);
            return new WalletJournal(connection, path, time);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The entry of <paramref name="decisionId"/>, if journaled.</summary>
    public JournalEntry? Find(string decisionId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM orders WHERE decision_id = $id";
        command.Parameters.AddWithValue("$id", decisionId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    /// <summary>The open entries (not <see cref="JournalPhase.Done"/>) of <paramref name="userId"/>, oldest first.</summary>
    public List<JournalEntry> Open(string userId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM orders WHERE phase <> 'done' AND user_id = $user ORDER BY seq";
        command.Parameters.AddWithValue("$user", userId);
        return ReadAll(command);
    }

    /// <summary>Every entry, oldest first.</summary>
    public List<JournalEntry> All()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM orders ORDER BY seq";
        return ReadAll(command);
    }

    /// <summary>Journals a new decision, nothing sent.</summary>
    public JournalEntry Add(string decisionId, string userId, OrderSide side, decimal amount, double price)
    {
        var now = Now();
        using var transaction = _connection.BeginTransaction();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO orders (decision_id, user_id, side, amount, price, phase, status, sends, detail, created, updated)
                VALUES ($id, $user, $side, $amount, $price, 'unsent', $status, 0, 'journaled, not sent', $now, $now)
                """;
            command.Parameters.AddWithValue("$id", decisionId);
            command.Parameters.AddWithValue("$user", userId);
            command.Parameters.AddWithValue("$side", SideName(side));
            command.Parameters.AddWithValue("$amount", WalletClient.FormatAmount(amount));
            command.Parameters.AddWithValue("$price", price);
            command.Parameters.AddWithValue("$status", nameof(OrderStatus.Unknown));
            command.Parameters.AddWithValue("$now", now);
            command.ExecuteNonQuery();
        }

        AddEvent(transaction, decisionId, JournalPhase.Unsent, OrderStatus.Unknown, "journaled, not sent", now);
        transaction.Commit();
        return Find(decisionId)!;
    }

    /// <summary>
    /// Records that a request is about to be sent: one more send, the balances just read and those expected if it
    /// executes. Durable before the request leaves.
    /// </summary>
    public JournalEntry Sending(JournalEntry entry, WalletBalances before, WalletBalances expected) =>
        Update(entry with { Phase = JournalPhase.Sent, Sends = entry.Sends + 1, Before = before, Expected = expected, Detail = $"send {entry.Sends + 1} in flight" });

    /// <summary>Records a new phase, status, detail and (when known) the balances after.</summary>
    public JournalEntry Update(JournalEntry entry)
    {
        var now = Now();
        using var transaction = _connection.BeginTransaction();
        using (var command = _connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE orders SET phase = $phase, status = $status, sends = $sends,
                    before_bitcoin = $bb, before_euro = $be, expected_bitcoin = $xb, expected_euro = $xe,
                    after_bitcoin = $ab, after_euro = $ae, detail = $detail, updated = $now
                WHERE decision_id = $id
                """;
            command.Parameters.AddWithValue("$id", entry.DecisionId);
            command.Parameters.AddWithValue("$phase", PhaseName(entry.Phase));
            command.Parameters.AddWithValue("$status", entry.Status.ToString());
            command.Parameters.AddWithValue("$sends", entry.Sends);
            Balances(command, "$bb", "$be", entry.Before);
            Balances(command, "$xb", "$xe", entry.Expected);
            Balances(command, "$ab", "$ae", entry.After);
            command.Parameters.AddWithValue("$detail", entry.Detail);
            command.Parameters.AddWithValue("$now", now);
            command.ExecuteNonQuery();
        }

        AddEvent(transaction, entry.DecisionId, entry.Phase, entry.Status, entry.Detail, now);
        transaction.Commit();
        return entry;
    }

    /// <inheritdoc />
    public void Dispose() => _connection.Dispose();

    internal static string SideName(OrderSide side) => side == OrderSide.Buy ? "buy" : "sell";

    private void AddEvent(SqliteTransaction transaction, string decisionId, JournalPhase phase, OrderStatus status, string detail, string now)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO events (decision_id, time, phase, status, detail) VALUES ($id, $now, $phase, $status, $detail)";
        command.Parameters.AddWithValue("$id", decisionId);
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$phase", PhaseName(phase));
        command.Parameters.AddWithValue("$status", status.ToString());
        command.Parameters.AddWithValue("$detail", detail);
        command.ExecuteNonQuery();
    }

    private string Now() => _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Balances(SqliteCommand command, string bitcoin, string euro, WalletBalances? balances)
    {
        command.Parameters.AddWithValue(bitcoin, balances is { } b ? b.Bitcoin : DBNull.Value);
        command.Parameters.AddWithValue(euro, balances is { } e ? e.Euro : DBNull.Value);
    }

    private static List<JournalEntry> ReadAll(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var entries = new List<JournalEntry>();
        while (reader.Read())
        {
            entries.Add(Read(reader));
        }

        return entries;
    }

    private static JournalEntry Read(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1),
        r.GetString(2),
        r.GetString(3) == "buy" ? OrderSide.Buy : OrderSide.Sell,
        decimal.Parse(r.GetString(4), NumberStyles.Float, CultureInfo.InvariantCulture),
        r.GetDouble(5),
        r.GetString(6) switch { "unsent" => JournalPhase.Unsent, "sent" => JournalPhase.Sent, _ => JournalPhase.Done },
        Enum.Parse<OrderStatus>(r.GetString(7)),
        r.GetInt32(8),
        Pair(r, 9),
        Pair(r, 11),
        Pair(r, 13),
        r.GetString(15));

    private static WalletBalances? Pair(SqliteDataReader r, int at) =>
        r.IsDBNull(at) || r.IsDBNull(at + 1) ? null : new WalletBalances(r.GetDouble(at), r.GetDouble(at + 1));

    private static string PhaseName(JournalPhase phase) => phase switch
    {
        JournalPhase.Unsent => "unsent",
        JournalPhase.Sent => "sent",
        _ => "done",
    };
}
