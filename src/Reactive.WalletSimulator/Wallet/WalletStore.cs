using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Reactive.WalletSimulator.Configuration;
using Reactive.WalletSimulator.Money;

namespace Reactive.WalletSimulator.Wallet;

/// <summary>
/// Balances and the audit log of executed orders in one SQLite file (WAL, full sync: an answered order survives a
/// crash). One connection and one gate: orders run one at a time, each in a transaction that checks the balance,
/// writes the order and the new balance together, so no interleaving can overdraw a user.
/// </summary>
internal sealed class WalletStore : IDisposable
{
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public WalletStore(string path, IReadOnlyDictionary<string, WalletUserOptions> users)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(users);
        FullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FullPath)!);
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = FullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        try
        {
            _connection.Open();
            CreateSchema();
            AddUsers(users);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public string FullPath { get; }

    public async Task<Balance?> BalanceAsync(string userId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ReadBalance(userId, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Executes <paramref name="order"/> at the price <paramref name="price"/> gives at that moment, or refuses it with
    /// nothing changed; an order whose idempotency key was used before gets that execution's answer again (same order)
    /// or a 422 (another order).
    /// </summary>
    public async Task<OrderOutcome> ExecuteAsync(Order order, Func<decimal> price, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(price);
        ArgumentNullException.ThrowIfNull(time);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = _connection.BeginTransaction();
            if (order.IdempotencyKey is { } key && Earlier(order.UserId, key, transaction) is { } earlier)
            {
                return earlier.Side == order.Side.Name() && earlier.Amount == order.Amount
                    ? new OrderOutcome(new Answer(StatusCodes.Status200OK, earlier.Answer), null, Replayed: true)
                    : Refused(StatusCodes.Status422UnprocessableEntity,
                        $"Idempotency-Key '{Amounts.Echo(key)}' was used for order {earlier.Id} ({earlier.Side} {Amounts.Format(earlier.Amount)} bitcoin); " +
                        $"this request is {order.Side.Name()} {Amounts.Format(order.Amount)}: a new order needs a new key");
            }

            var balance = ReadBalance(order.UserId, transaction) ?? throw new InvalidOperationException($"user {order.UserId} has no balance row");
            var now = price();
            var euro = order.Side == Side.Buy ? Amounts.Cost(order.Amount, now) : Amounts.Proceeds(order.Amount, now);
            if (euro == 0)
            {
                return Refused(StatusCodes.Status400BadRequest,
                    $"order too small: {Amounts.Format(order.Amount)} bitcoin at {Amounts.Format(now)} euro is worth less than 0.01 euro");
            }

            if (order.Side == Side.Buy && balance.Euro < euro)
            {
                return Refused(StatusCodes.Status409Conflict,
                    $"insufficient euro: buying {Amounts.Format(order.Amount)} bitcoin at {Amounts.Format(now)} euro costs {Amounts.FormatEuro(euro)} euro, the balance is {Amounts.FormatEuro(balance.Euro)} euro");
            }

            if (order.Side == Side.Sell && balance.Bitcoin < order.Amount)
            {
                return Refused(StatusCodes.Status409Conflict,
                    $"insufficient bitcoin: selling {Amounts.Format(order.Amount)} bitcoin, the balance is {Amounts.Format(balance.Bitcoin)} bitcoin");
            }

            var euroDelta = order.Side == Side.Buy ? -euro : euro;
            var bitcoinDelta = order.Side == Side.Buy ? order.Amount : -order.Amount;
            var id = Insert(order, now, euroDelta, time.GetUtcNow(), transaction);
            var text = $"order {id} executed: {(order.Side == Side.Buy ? "bought" : "sold")} {Amounts.Format(order.Amount)} bitcoin at {Amounts.Format(now)} euro for {Amounts.FormatEuro(euro)} euro";
            Run("UPDATE orders SET answer = $answer WHERE id = $id", transaction, ("$answer", text), ("$id", id));
            Run("UPDATE balances SET euro = $euro, bitcoin = $bitcoin WHERE user_id = $user", transaction,
                ("$euro", Amounts.Format(balance.Euro + euroDelta)), ("$bitcoin", Amounts.Format(balance.Bitcoin + bitcoinDelta)), ("$user", order.UserId));
            transaction.Commit();
            return new OrderOutcome(new Answer(StatusCodes.Status200OK, text), id, Replayed: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The executed orders, oldest first: of one user, or of all when <paramref name="userId"/> is null.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string? userId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT id, user_id, side, amount, price, euro_delta, time, idempotency_key FROM orders"
                + (userId is null ? "" : " WHERE user_id = $user") + " ORDER BY id";
            command.Parameters.AddWithValue("$user", (object?)userId ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            var entries = new List<AuditEntry>();
            while (reader.Read())
            {
                entries.Add(new AuditEntry(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    Amounts.Parse(reader.GetString(3)),
                    Amounts.Parse(reader.GetString(4)),
                    Amounts.Parse(reader.GetString(5)),
                    DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    reader.IsDBNull(7) ? null : reader.GetString(7)));
            }

            return entries;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private static OrderOutcome Refused(int status, string text) => new(new Answer(status, text), null, Replayed: false);

    private void CreateSchema()
    {
        using (var check = _connection.CreateCommand())
        {
            check.CommandText = "PRAGMA user_version";
            var version = Convert.ToInt32(check.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException($"the state file {FullPath} was written by a newer simulator (schema {version}, this one knows {SchemaVersion})");
            }
        }

        Run("PRAGMA journal_mode = WAL", null);
        Run("PRAGMA synchronous = FULL", null);
        using var transaction = _connection.BeginTransaction();
        Run("""
            CREATE TABLE IF NOT EXISTS balances (
                user_id TEXT PRIMARY KEY,
                euro TEXT NOT NULL,
                bitcoin TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS orders (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                user_id TEXT NOT NULL,
                side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
                amount TEXT NOT NULL,
                price TEXT NOT NULL,
                euro_delta TEXT NOT NULL,
                time TEXT NOT NULL,
                idempotency_key TEXT,
                answer TEXT NOT NULL,
                UNIQUE (user_id, idempotency_key));
            """, transaction);
        Run($"PRAGMA user_version = {SchemaVersion}", transaction);
        transaction.Commit();
    }

    /// <summary>A user seen for the first time starts with the configured balances; one already in the file keeps its own.</summary>
    private void AddUsers(IReadOnlyDictionary<string, WalletUserOptions> users)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var (id, user) in users)
        {
            Run("INSERT OR IGNORE INTO balances (user_id, euro, bitcoin) VALUES ($user, $euro, $bitcoin)", transaction,
                ("$user", id), ("$euro", Amounts.Format(user.Euro)), ("$bitcoin", Amounts.Format(user.Bitcoin)));
        }

        transaction.Commit();
    }

    private Balance? ReadBalance(string userId, SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT bitcoin, euro FROM balances WHERE user_id = $user";
        command.Parameters.AddWithValue("$user", userId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? new Balance(Amounts.Parse(reader.GetString(0)), Amounts.Parse(reader.GetString(1))) : null;
    }

    private (long Id, string Side, decimal Amount, string Answer)? Earlier(string userId, string key, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, side, amount, answer FROM orders WHERE user_id = $user AND idempotency_key = $key";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$key", key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetString(1), Amounts.Parse(reader.GetString(2)), reader.GetString(3)) : null;
    }

    private long Insert(Order order, decimal price, decimal euroDelta, DateTimeOffset time, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO orders (user_id, side, amount, price, euro_delta, time, idempotency_key, answer)
            VALUES ($user, $side, $amount, $price, $delta, $time, $key, '')
            RETURNING id
            """;
        command.Parameters.AddWithValue("$user", order.UserId);
        command.Parameters.AddWithValue("$side", order.Side.Name());
        command.Parameters.AddWithValue("$amount", Amounts.Format(order.Amount));
        command.Parameters.AddWithValue("$price", Amounts.Format(price));
        command.Parameters.AddWithValue("$delta", Amounts.Format(euroDelta));
        command.Parameters.AddWithValue("$time", time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$key", (object?)order.IdempotencyKey ?? DBNull.Value);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void Run(string sql, SqliteTransaction? transaction, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}
