using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// An operation that only asks, though it is sent with POST (a scanned statement to verify): repeating
/// it changes nothing, so it takes no Idempotency-Key and always answers as things stand now.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SafeToRepeatAttribute : Attribute;

/// <summary>
/// A command endpoint that commits its change in a transaction of its own rather than in Wolverine's
/// session: it enlists the request's idempotency claim there itself (<see cref="IdempotencyKeys.ClaimIn"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClaimsIdempotencyKeyItselfAttribute : Attribute;

/// <summary>
/// "Field work is never doubled": every command takes an <c>Idempotency-Key</c> header. The same key
/// with the same request within 24 hours answers what the first one answered (status, body, Location,
/// ETag) without running the command again, on any instance and after a restart: the keys live in
/// PostgreSQL. The key is claimed in the command's own transaction (a row queued into the Marten
/// session that appends its events), so "the command was applied" and "the key was used" can never
/// disagree; the answer is stored right after. One request per key runs at a time, across instances,
/// under a PostgreSQL advisory lock held by the request that runs the command; a retry meanwhile
/// waits for it (up to <see cref="Wait"/>) and replays its answer.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    /// <summary>How long a key holds: a retry after that runs the command again.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How long a retry waits for the same key's request still running before it is told to come back.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>The headers of an answer that are kept and replayed with it.</summary>
    private static readonly string[] KeptHeaders = ["Content-Type", "Location", "ETag", "Last-Modified"];

    public static readonly DbObjectName TableName = new PostgresqlObjectName(Identifiers.Schema, "idempotency_keys", SchemaUtils.IdentifierUsage.General);

    /// <summary>The advisory lock class of idempotency keys (the two-number form: apart from the single-number locks of Wolverine and the signing keys).</summary>
    private const int LockClass = 0x1DE3;

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<string>("scope").AsPrimaryKey();
        table.AddColumn<string>("key").AsPrimaryKey();
        table.AddColumn("fingerprint", "bytea").NotNull();
        table.AddColumn<string>("method").NotNull();
        table.AddColumn<string>("path").NotNull();
        table.AddColumn<Guid>("attempt").NotNull();
        table.AddColumn<DateTimeOffset>("created_at").NotNull();
        // Whether the key was claimed in the command's own transaction (else stored with the answer, after it).
        table.AddColumn<bool>("with_command").NotNull();
        table.AddColumn<int>("status");
        table.AddColumn("headers", "jsonb");
        table.AddColumn("body", "bytea");
        table.AddColumn<DateTimeOffset>("answered_at");
        table.Indexes.Add(new IndexDefinition("idx_idempotency_keys_created") { Columns = ["created_at"] });
        return table;
    }

    /// <summary>Whether an endpoint takes the header: a Wolverine endpoint that changes state.</summary>
    public static bool Accepts(string method, IEnumerable<object> metadata) =>
        (HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method))
        && metadata.OfType<HttpChain>().Any()
        && !metadata.OfType<SafeToRepeatAttribute>().Any();

    /// <summary>1 to 255 printable ASCII characters (space to tilde).</summary>
    public static bool IsWellFormed(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    /// <summary>
    /// Queues this request's claim of its key into the session that commits the command, if the request
    /// carries one not yet claimed: the row commits with the command's events or not at all.
    /// </summary>
    public static void ClaimIn(IDocumentSession session, HttpContext? context)
    {
        if (context?.Features.Get<IdempotencyClaim>() is not { Enlisted: false } claim)
        {
            return;
        }

        claim.Enlisted = true;
        session.QueueSqlCommand(
            $"insert into {TableName.QualifiedName} (scope, key, fingerprint, method, path, attempt, created_at, with_command) values (?, ?, ?, ?, ?, ?, ?, true)",
            claim.Scope, claim.Key, claim.Fingerprint, claim.Method, claim.Path, claim.Attempt, claim.At);
    }

    /// <summary>
    /// The same claim for a command that commits on a PostgreSQL transaction of its own (not a Marten
    /// session): the row is written in that transaction, so it commits with the command or not at all.
    /// </summary>
    public static async Task ClaimInAsync(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, HttpContext? context, CancellationToken ct)
    {
        if (context?.Features.Get<IdempotencyClaim>() is not { Enlisted: false } claim)
        {
            return;
        }

        claim.Enlisted = true;
        await using var command = new Npgsql.NpgsqlCommand(
            $"insert into {TableName.QualifiedName} (scope, key, fingerprint, method, path, attempt, created_at, with_command) values ($1, $2, $3, $4, $5, $6, $7, true)",
            connection, transaction);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = claim.Scope });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = claim.Key });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<byte[]> { TypedValue = claim.Fingerprint });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = claim.Method });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = claim.Path });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<Guid> { TypedValue = claim.Attempt });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<DateTimeOffset> { TypedValue = claim.At });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Forgets keys older than <see cref="Retention"/>; any instance may run it, as often as it likes.</summary>
    public static async Task<int> DeleteExpiredAsync(NpgsqlDataSource database, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"delete from {TableName.QualifiedName} where created_at <= $1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now - Retention });
        return await command.ExecuteNonQueryAsync(ct);
    }

    internal static (int Class, int Key) LockOf(string scope, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(scope + "\n" + key));
        return (LockClass, BitConverter.ToInt32(hash, 0));
    }

    internal static byte[] Fingerprint(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(method + " " + pathAndQuery + "\n"));
        hash.AppendData(body);
        return hash.GetHashAndReset();
    }

    internal static string HeadersOf(HttpResponse response)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in KeptHeaders)
        {
            if (response.Headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                kept[name] = value.ToString();
            }
        }

        return JsonSerializer.Serialize(kept);
    }

    internal static IEnumerable<KeyValuePair<string, string>> ReadHeaders(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.UseMiddleware<IdempotencyMiddleware>();

    public static IServiceCollection AddOvopIdempotency(this IServiceCollection services)
    {
        services.AddHostedService<IdempotencyKeyCleanup>();
        return services.ConfigureMarten(opts => opts.Storage.ExtendedSchemaObjects.Add(Table()));
    }
}

/// <summary>A request's claim of its key, waiting to be committed with the command (see <see cref="IdempotencyKeys.ClaimIn"/>).</summary>
public sealed class IdempotencyClaim(string scope, string key, byte[] fingerprint, string method, string path, DateTimeOffset at)
{
    public string Scope { get; } = scope;
    public string Key { get; } = key;
    public byte[] Fingerprint { get; } = fingerprint;
    public string Method { get; } = method;
    public string Path { get; } = path;
    public DateTimeOffset At { get; } = at;

    /// <summary>This request's own mark on the row, so that it only ever answers or forgets its own claim.</summary>
    public Guid Attempt { get; } = Guid.NewGuid();

    public bool Enlisted { get; set; }
}

/// <summary>
/// Wolverine middleware of the command endpoints that commit through Wolverine's session: the
/// request's claim goes into that session, so into the command's transaction.
/// </summary>
public static class IdempotencyClaimMiddleware
{
    public static bool AppliesTo(HttpChain chain) =>
        !chain.HttpMethods.Contains("GET")
        && !chain.Method.Method.IsDefined(typeof(SafeToRepeatAttribute), false)
        && !chain.Method.Method.IsDefined(typeof(ClaimsIdempotencyKeyItselfAttribute), false);

    public static void Before(HttpContext context, IDocumentSession session) => IdempotencyKeys.ClaimIn(session, context);
}

/// <summary>
/// Answers a command request that carries an Idempotency-Key: replays the answer kept for it, refuses a
/// key reused for another request, or runs the command (holding the key's lock) and keeps its answer.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, ILogger<IdempotencyMiddleware> logger)
{
    private static readonly string Table = IdempotencyKeys.TableName.QualifiedName;

    public async Task InvokeAsync(HttpContext context, NpgsqlDataSource database, TimeProvider clock, IProblemDetailsService problems)
    {
        if (!context.Request.Headers.TryGetValue(IdempotencyKeys.Header, out var values)
            || context.GetEndpoint() is not { } endpoint
            || !IdempotencyKeys.Accepts(context.Request.Method, endpoint.Metadata))
        {
            await next(context);
            return;
        }

        if (values.Count != 1 || !IdempotencyKeys.IsWellFormed(values[0]!))
        {
            await WriteProblemAsync(context, problems, Problems.Invalid(new Dictionary<string, string[]>
            {
                [IdempotencyKeys.Header] = [$"must be one value of 1 to {IdempotencyKeys.MaxKeyLength} printable ASCII characters (a UUID, say)"],
            }));
            return;
        }

        var key = values[0]!;
        // Keys are the sender's own: another user's same key is another key. Commands anyone may send
        // without a token (a complaint) share one scope, where only the same request gets the answer.
        var scope = context.User.Identity?.IsAuthenticated == true ? "user:" + context.User.Actor().Subject : "public";
        var body = await BodyOf(context);
        var path = context.Request.Path.Value + context.Request.QueryString.Value;
        var fingerprint = IdempotencyKeys.Fingerprint(context.Request.Method, path, body.GetBuffer().AsSpan(0, (int)body.Length));
        var ct = context.RequestAborted;

        var (lockClass, lockKey) = IdempotencyKeys.LockOf(scope, key);
        await using var connection = await LockAsync(database, lockClass, lockKey, ct);
        if (connection is null)
        {
            context.Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(context, problems, Problems.Conflict("idempotency-key-in-progress",
                "A request with this Idempotency-Key is still running: send it again in a moment to get its answer."));
            return;
        }

        try
        {
            var now = clock.GetUtcNow();
            var kept = await FindAsync(connection, scope, key, ct);
            if (kept is not null && kept.CreatedAt <= now - IdempotencyKeys.Retention)
            {
                await ExecuteAsync(connection, $"delete from {Table} where scope = $1 and key = $2", ct, scope, key);
                kept = null;
            }

            if (kept is not null)
            {
                await AnswerFromKeptAsync(context, problems, kept, fingerprint);
                return;
            }

            var claim = new IdempotencyClaim(scope, key, fingerprint, context.Request.Method, path, now);
            context.Features.Set(claim);
            await RunAndKeepAsync(context, connection, claim, clock);
        }
        finally
        {
            await UnlockAsync(connection, lockClass, lockKey);
        }
    }

    /// <summary>What becomes of a key once its command answered.</summary>
    private enum Keeping
    {
        /// <summary>The answer is the command's, and a retry would meet it again: kept and replayed.</summary>
        Answer,

        /// <summary>A refusal a retry may not meet again (a stale version): nothing was applied, the key is free again.</summary>
        Release,

        /// <summary>A failure: if the command committed, its claim stays unanswered (a retry is told it was applied); if not, there is nothing.</summary>
        LeaveClaim,
    }

    private static Keeping Judge(int status, string? rule) =>
        status >= 500 ? Keeping.LeaveClaim
        : status is StatusCodes.Status401Unauthorized or StatusCodes.Status408RequestTimeout or StatusCodes.Status429TooManyRequests
          || rule == Problems.TypeBase + "stale-version" || rule == Problems.TypeBase + "idempotency-key-in-progress" ? Keeping.Release
        : Keeping.Answer;

    /// <summary>
    /// Runs the command with its answer held back, keeps the answer, then sends it. Keeping it does not
    /// depend on the client still listening: one who lost the connection is the one who will retry.
    /// </summary>
    private async Task RunAndKeepAsync(HttpContext context, NpgsqlConnection connection, IdempotencyClaim claim, TimeProvider clock)
    {
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        try
        {
            switch (Judge(context.Response.StatusCode, context.Features.Get<AnsweredProblem>()?.Type))
            {
                case Keeping.Answer:
                    await KeepAsync(connection, claim, context.Response.StatusCode, IdempotencyKeys.HeadersOf(context.Response), buffer.ToArray(), clock.GetUtcNow());
                    break;
                case Keeping.Release:
                    await ExecuteAsync(connection, $"delete from {Table} where scope = $1 and key = $2 and attempt = $3", CancellationToken.None, claim.Scope, claim.Key, claim.Attempt);
                    break;
                case Keeping.LeaveClaim:
                    break;
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The command's answer still goes out; a retry is told that it was applied (if it was).
            logger.LogWarning(e, "Could not keep the answer of idempotency key {Key}", claim.Key);
        }

        // An answer without a body (a route value that is not an id: 404) is left unstarted, so that
        // the status code pages make it a problem as they do for every other request.
        if (buffer.Length > 0)
        {
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        }
    }

    private static async Task KeepAsync(NpgsqlConnection connection, IdempotencyClaim claim, int status, string headers, byte[] body, DateTimeOffset answeredAt)
    {
        await using var update = new NpgsqlCommand(
            $"update {Table} set status = $4, headers = $5, body = $6, answered_at = $7 where scope = $1 and key = $2 and attempt = $3", connection);
        AddClaim(update, claim);
        AddAnswer(update, status, headers, body, answeredAt);
        if (await update.ExecuteNonQueryAsync(CancellationToken.None) > 0)
        {
            return;
        }

        // The command wrote nothing through a session (a rule refused it): the key and its answer go in together.
        await using var insert = new NpgsqlCommand(
            $"""
             insert into {Table} (scope, key, attempt, status, headers, body, answered_at, fingerprint, method, path, created_at, with_command)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false) on conflict do nothing
             """, connection);
        AddClaim(insert, claim);
        AddAnswer(insert, status, headers, body, answeredAt);
        insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = claim.Fingerprint });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.Method });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.Path });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = claim.At });
        await insert.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static void AddClaim(NpgsqlCommand command, IdempotencyClaim claim)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.Scope });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = claim.Key });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = claim.Attempt });
    }

    private static void AddAnswer(NpgsqlCommand command, int status, string headers, byte[] body, DateTimeOffset at)
    {
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = headers, NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = body });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
    }

    private static async Task AnswerFromKeptAsync(HttpContext context, IProblemDetailsService problems, KeptAnswer kept, byte[] fingerprint)
    {
        if (!CryptographicOperations.FixedTimeEquals(kept.Fingerprint, fingerprint))
        {
            await WriteProblemAsync(context, problems, new ProblemDetails
            {
                Type = Problems.TypeBase + "idempotency-key-reused",
                Title = "Idempotency key reused for another request",
                Status = StatusCodes.Status422UnprocessableEntity,
                Detail = "This Idempotency-Key was used in the last 24 hours for another request (another operation, record or body). "
                         + "A key stands for one request: send a new key with a new request.",
            });
            return;
        }

        context.Response.Headers[IdempotencyKeys.ReplayedHeader] = "true";
        if (kept.Status is not { } status)
        {
            // Committed with the command, but the answer was never kept (the instance stopped in between).
            await WriteProblemAsync(context, problems, new ProblemDetails
            {
                Type = Problems.TypeBase + "command-already-applied",
                Title = "Command already applied",
                Status = StatusCodes.Status409Conflict,
                Detail = $"The request with this Idempotency-Key was applied at {kept.CreatedAt:O}, but its answer was not kept. "
                         + "Do not send it again: read the record to see what it did.",
                Extensions = { ["appliedAt"] = kept.CreatedAt },
            });
            return;
        }

        context.Response.StatusCode = status;
        foreach (var (name, value) in IdempotencyKeys.ReadHeaders(kept.Headers))
        {
            context.Response.Headers[name] = value;
        }

        if (kept.Body is { Length: > 0 } body)
        {
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private async Task UnlockAsync(NpgsqlConnection connection, int lockClass, int lockKey)
    {
        try
        {
            await using var unlock = new NpgsqlCommand("select pg_advisory_unlock($1, $2)", connection);
            unlock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lockClass });
            unlock.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lockKey });
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The pool resets the connection before reuse (pg_advisory_unlock_all), and a broken one is closed: the lock goes either way.
            logger.LogWarning(e, "Could not release an idempotency key's lock");
        }
    }

    /// <summary>
    /// Takes the key's lock on a connection of its own, which holds it until the answer is kept. A
    /// request that finds it taken waits for it up to <see cref="IdempotencyKeys.Wait"/>, asking again
    /// every 50 ms without keeping a connection in between (the pool is the commands' too).
    /// </summary>
    private static async Task<NpgsqlConnection?> LockAsync(NpgsqlDataSource database, int lockClass, int lockKey, CancellationToken ct)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var connection = await database.OpenConnectionAsync(ct);
            try
            {
                await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1, $2)", connection);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lockClass });
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = lockKey });
                if ((bool)(await command.ExecuteScalarAsync(ct))!)
                {
                    return connection;
                }
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }

            await connection.DisposeAsync();
            if (waited.Elapsed >= IdempotencyKeys.Wait)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }
    }

    private sealed record KeptAnswer(byte[] Fingerprint, DateTimeOffset CreatedAt, int? Status, string? Headers, byte[]? Body);

    private static async Task<KeptAnswer?> FindAsync(NpgsqlConnection connection, string scope, string key, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select fingerprint, created_at, status, headers::text, body from {Table} where scope = $1 and key = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new KeptAnswer(
            reader.GetFieldValue<byte[]>(0),
            reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<byte[]>(4));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The request's body, as UseBodyCapture kept it, or read here for a command that reads none.</summary>
    private static async Task<MemoryStream> BodyOf(HttpContext context)
    {
        if (JsonBodyProblems.CapturedBodyOf(context) is { } captured)
        {
            return captured;
        }

        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        context.Request.Body = body;
        return body;
    }

    private static async Task WriteProblemAsync(HttpContext context, IProblemDetailsService problems, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status!.Value;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}

/// <summary>Forgets keys past their 24 hours, every hour, on every instance (the delete is the same wherever it runs).</summary>
public sealed class IdempotencyKeyCleanup(NpgsqlDataSource database, TimeProvider clock, ILogger<IdempotencyKeyCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await IdempotencyKeys.DeleteExpiredAsync(database, clock.GetUtcNow(), stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Could not forget expired idempotency keys; trying again in an hour");
            }
        }
    }
}
