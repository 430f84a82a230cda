using Npgsql;
using System.Collections.Concurrent;
using Marten.Services;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Marten;

namespace OvopQuality.Api.Labels.Scans;

public enum CloneSignalStatus
{
    /// <summary>Raised by the scans, waiting for staff: not shown to the public.</summary>
    Raised,

    /// <summary>Staff confirmed it: every verification of the label carries the warning.</summary>
    Confirmed,

    /// <summary>Staff found nothing in it: closed, never shown.</summary>
    Dismissed,

    /// <summary>Confirmed earlier and lifted since: the warning is gone.</summary>
    Lifted,
}

/// <summary>
/// Scans as staff see them in a signal's evidence: one client at one place (to a tenth of a degree, or
/// none given), the client by a keyed hash; how many times it scanned there in the window, from
/// <see cref="FirstAt"/> to <see cref="At"/> (the last). Signals raised before places were grouped hold
/// one scan per entry.
/// </summary>
public sealed record ScanEvidence(DateTimeOffset At, double? Latitude, double? Longitude, string Client, int Times = 1, DateTimeOffset? FirstAt = null);

/// <summary>
/// What the scans showed when a signal was raised or last weighed: the rule that fired, how many scans
/// and different clients, the first and last scan, and the latest places each client scanned from
/// (<see cref="ScanRecords.PlacesPerClient"/> at most per client, 50 in all).
/// </summary>
public sealed record CloneEvidence(
    CloneSignal Signal, string Detail, int Scans, int DistinctClients, DateTimeOffset FirstScanAt, DateTimeOffset LastScanAt, IReadOnlyList<ScanEvidence> Recent);

// A signal's life, one stream per signal: raised by the scans, weighed again as scans come, then
// confirmed (and perhaps lifted) or dismissed by a member of staff, who is named with a reason.
public sealed record CloneSignalRaised(Guid SignalId, string Code, CloneEvidence Evidence, DateTimeOffset At);

public sealed record CloneSignalWeighedAgain(Guid SignalId, string Code, CloneEvidence Evidence, DateTimeOffset At);

public sealed record CloneSignalConfirmed(Guid SignalId, string Code, string Reason, string By, DateTimeOffset At);

public sealed record CloneSignalDismissed(Guid SignalId, string Code, string Reason, string By, DateTimeOffset At);

public sealed record CloneSignalLifted(Guid SignalId, string Code, string Reason, string By, DateTimeOffset At);

public sealed record CloneSignalStep(string Step, string? Reason, string By, DateTimeOffset At);

/// <summary>A clone signal as staff handle it: the evidence, where it stands, and every step with who and why.</summary>
public sealed record CloneSignalCase(
    Guid Id, string Code, CloneSignalStatus Status, CloneEvidence Evidence, DateTimeOffset RaisedAt, DateTimeOffset ChangedAt, IReadOnlyList<CloneSignalStep> Steps)
{
    public long Version { get; set; }

    /// <summary>What the public is told while the signal is confirmed.</summary>
    public string Warning => $"Warning: this code was {Evidence.Detail}. Copies of this label may be in circulation; check the seller.";

    public static CloneSignalCase Create(CloneSignalRaised e) =>
        new(e.SignalId, e.Code, CloneSignalStatus.Raised, e.Evidence, e.At, e.At, [new("raised", null, "system", e.At)]);

    public CloneSignalCase Apply(CloneSignalWeighedAgain e) => this with { Evidence = e.Evidence, ChangedAt = e.At };

    public CloneSignalCase Apply(CloneSignalConfirmed e) =>
        this with { Status = CloneSignalStatus.Confirmed, ChangedAt = e.At, Steps = [.. Steps, new("confirmed", e.Reason, e.By, e.At)] };

    public CloneSignalCase Apply(CloneSignalDismissed e) =>
        this with { Status = CloneSignalStatus.Dismissed, ChangedAt = e.At, Steps = [.. Steps, new("dismissed", e.Reason, e.By, e.At)] };

    public CloneSignalCase Apply(CloneSignalLifted e) =>
        this with { Status = CloneSignalStatus.Lifted, ChangedAt = e.At, Steps = [.. Steps, new("lifted", e.Reason, e.By, e.At)] };

    public bool IsOpen => Status is CloneSignalStatus.Raised or CloneSignalStatus.Confirmed;

    /// <summary>When staff confirmed it, if they did.</summary>
    public DateTimeOffset? ConfirmedAt => Steps.LastOrDefault(s => s.Step == "confirmed")?.At;

    /// <summary>The label the signal is about, as staff read it: its file, certificate, producer and lot (filled when read, from the label registry).</summary>
    public CloneSignalLabel? Label { get; init; }
}

/// <summary>Where a signalled code belongs: the file and certificate it was issued under, the producer and the lot.</summary>
public sealed record CloneSignalLabel(Guid FileId, string? CertificateNumber, string ProducerNumber, string Lot, Guid BatchId);

/// <summary>A confirmed clone signal as the public reads it: the warning, and when staff confirmed it.</summary>
public sealed record CloneWarning(string Text, DateTimeOffset ConfirmedAt);

/// <summary>
/// What label verification and the scan handler need to know of clone signals, in memory: per code,
/// the signal open on it (raised or confirmed), the public warning of a confirmed one, and since when
/// scans count again after a dismissal or a lift (the scans staff already judged never raise a signal
/// twice).
/// How it stays true when several instances run:
/// <list type="bullet">
/// <item>A change committed by this instance is applied when it commits (this is a Marten listener).</item>
/// <item>A change committed by another instance is read by <see cref="CloneWatchRefresh"/> within
/// Ovop:Clones:RefreshSeconds (5 s): every signal that changed since its previous read, less a minute
/// of overlap, so a transaction that committed late or an instance whose clock runs up to a minute
/// behind is still read. Reading the same state twice is harmless.</item>
/// <item>A starting instance reads the open signals, and those closed within the window, before it
/// answers its first request.</item>
/// <item>Every read of the store and the change it makes here happen one at a time, under one gate
/// (<see cref="LearnAsync"/>): a read made before a commit can never be applied after what that
/// commit's own read applied, so the state never steps back to an older one.</item>
/// <item>The scan handler, which may run before a dismissal made elsewhere reached this instance,
/// asks the store for the code's latest signal before it raises one (<see cref="LabelScannedHandler"/>).</item>
/// </list>
/// </summary>
public sealed class CloneWatch : DocumentSessionListenerBase, IDisposable
{
    public sealed record CodeState(Guid? OpenSignal, CloneWarning? Warning, DateTimeOffset? QuietSince);

    private readonly ConcurrentDictionary<string, CodeState> _codes = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _weighed = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The public warning on a code: only a signal staff confirmed and did not lift has one.</summary>
    public CloneWarning? WarningFor(string code) => _codes.TryGetValue(code, out var state) ? state.Warning : null;

    /// <summary>
    /// Whether this instance should read a code's scans one by one again: always while no signal is
    /// open on it, and at most every <paramref name="every"/> while one is (a copied code may be
    /// scanned thousands of times a day; its evidence need not be weighed on every batch).
    /// </summary>
    public bool DueForWeighing(string code, DateTimeOffset now, TimeSpan every)
    {
        if (StateOf(code)?.OpenSignal is null)
        {
            return true;
        }

        var last = _weighed.GetValueOrDefault(code);
        if (now - last < every)
        {
            return false;
        }

        _weighed[code] = now;
        return true;
    }

    public CodeState? StateOf(string code) => _codes.GetValueOrDefault(code);

    /// <summary>Reads signals as stored and takes their state, one read at a time (see the class's remarks).</summary>
    public async Task LearnAsync(Func<CancellationToken, Task<IReadOnlyList<CloneSignalCase>>> read, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var signal in await read(ct))
            {
                _codes.AddOrUpdate(signal.Code, _ => State(signal, null), (_, known) => State(signal, known));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static CodeState State(CloneSignalCase signal, CodeState? known) => signal.Status switch
    {
        CloneSignalStatus.Raised => new(signal.Id, null, known?.QuietSince),
        CloneSignalStatus.Confirmed => new(signal.Id, new(signal.Warning, signal.ConfirmedAt ?? signal.ChangedAt), known?.QuietSince),
        // A closed signal closes the code's open one only if it is that one; scans before it are judged.
        _ => new(known?.OpenSignal == signal.Id ? null : known?.OpenSignal, known?.OpenSignal == signal.Id ? null : known?.Warning,
            Later(known?.QuietSince, signal.ChangedAt)),
    };

    public void Dispose() => _gate.Dispose();

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } earlier && earlier > b ? earlier : b;

    public override async Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var changed = commit.GetEvents().Select(e => e.Data switch
        {
            CloneSignalRaised r => (Guid?)r.SignalId,
            CloneSignalWeighedAgain w => w.SignalId,
            CloneSignalConfirmed c => c.SignalId,
            CloneSignalDismissed d => d.SignalId,
            CloneSignalLifted l => l.SignalId,
            _ => null,
        }).OfType<Guid>().Distinct().ToList();
        if (changed.Count == 0)
        {
            return;
        }

        await LearnAsync(async ct =>
        {
            await using var query = session.DocumentStore.QuerySession();
            return await query.LoadManyAsync<CloneSignalCase>(ct, changed);
        }, token);
    }
}

/// <summary>
/// Keeps <see cref="CloneWatch"/> true when other instances raise, confirm, dismiss or lift signals:
/// reads the open signals and those closed within the window at start, then every
/// Ovop:Clones:RefreshSeconds the signals changed since its previous read, less <see cref="Overlap"/>.
/// </summary>
public sealed class CloneWatchRefresh(IDocumentStore store, CloneWatch watch, CloneSettings settings, TimeProvider clock, ILogger<CloneWatchRefresh> logger) : BackgroundService
{
    /// <summary>How far before its previous read each read looks again: longer than a commit takes and than instances' clocks differ.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    private DateTimeOffset _readBefore = DateTimeOffset.UnixEpoch;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the first request: the open signals, and those closed recently enough to matter.
        await RefreshAsync(clock.GetUtcNow().AddHours(-settings.WindowHours), cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.2, settings.RefreshSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(null, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not read clone signals changed by other instances; trying again in {Seconds} s", settings.RefreshSeconds);
            }
        }
    }

    private Task RefreshAsync(DateTimeOffset? closedSince, CancellationToken ct) => watch.LearnAsync(async token =>
    {
        await using var session = store.QuerySession();
        var readAt = clock.GetUtcNow();
        var since = _readBefore - Overlap;
        var query = closedSince is { } closed
            ? session.Query<CloneSignalCase>().Where(s => s.Status == CloneSignalStatus.Raised || s.Status == CloneSignalStatus.Confirmed || s.ChangedAt > closed)
            : session.Query<CloneSignalCase>().Where(s => s.ChangedAt >= since);
        var signals = await query.OrderBy(s => s.ChangedAt).ToListAsync(token);
        _readBefore = readAt;
        return signals;
    }, ct);
}

public sealed record CloneSignalDecision(long ExpectedVersion, string Reason);

public sealed record CloneSignalResponse(Guid SignalId, string Code, CloneSignalStatus Status, long Version);

public static class CloneSignalEndpoints
{
    /// <summary>Clone signals for staff, the latest first: <c>?status=</c> raised, confirmed, dismissed or lifted; paged.</summary>
    [WolverineGet("/api/clone-signals", OperationId = "GetCloneSignals")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Page<CloneSignalCase>>, ProblemHttpResult>> Get(
        CloneSignalStatus? status, int? limit, string? cursor, IQuerySession session, NpgsqlDataSource database, CancellationToken ct)
    {
        var (paging, invalid) = Paging.Read(limit, cursor);
        if (paging is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<CloneSignalCase>().AsQueryable();
        if (status is { } wanted)
        {
            query = query.Where(s => s.Status == wanted);
        }

        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(s => s.ChangedAt).ThenBy(s => s.Id).Skip(paging.Offset).Take(paging.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf(await WithLabelsAsync(items, session, database, ct), paging, total));
    }

    /// <summary>Each signal with the file, certificate, producer and lot of its code: two reads for the whole page.</summary>
    private static async Task<IReadOnlyList<CloneSignalCase>> WithLabelsAsync(IReadOnlyList<CloneSignalCase> signals, IQuerySession session, NpgsqlDataSource database, CancellationToken ct)
    {
        if (signals.Count == 0)
        {
            return signals;
        }

        var labels = new Dictionary<string, (Guid FileId, Guid BatchId, string Lot)>(StringComparer.Ordinal);
        await using (var command = database.CreateCommand($"select code, file_id, batch_id, lot from {LabelRegistry.TableName.QualifiedName} where code = any($1)"))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. signals.Select(s => s.Code).Distinct(StringComparer.Ordinal)] });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                labels[reader.GetString(0)] = (reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3));
            }
        }

        var certificates = (await session.LoadManyAsync<PublicCertificate>(ct, labels.Values.Select(l => l.FileId).Distinct())).ToDictionary(c => c.Id);
        return [.. signals.Select(s => labels.TryGetValue(s.Code, out var l) && certificates.TryGetValue(l.FileId, out var c)
            ? s with { Label = new CloneSignalLabel(l.FileId, c.CertificateNumber, c.ProducerNumber, l.Lot, l.BatchId) }
            : s)];
    }

    /// <summary>One signal: the evidence (scans, places, times, distinct clients) and every step with who and why.</summary>
    [WolverineGet("/api/clone-signals/{signalId}", OperationId = "GetCloneSignal")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<CloneSignalCase>, ProblemHttpResult>> GetOne(Guid signalId, IQuerySession session, NpgsqlDataSource database, CancellationToken ct) =>
        await session.LoadAsync<CloneSignalCase>(signalId, ct) is { } signal
            ? TypedResults.Ok((await WithLabelsAsync([signal], session, database, ct))[0])
            : TypedResults.Problem(Problems.NotFound("clone-signal", $"There is no clone signal {signalId}."));
}

public static class ConfirmCloneSignalEndpoint
{
    public static ProblemDetails Validate(CloneSignalDecision command) => CloneSignalRules.Valid(command);

    public static ProblemDetails Before(CloneSignalDecision command, CloneSignalCase signal) =>
        CloneSignalRules.Expect(command, signal, CloneSignalStatus.Raised, "confirmed");

    /// <summary>A certification officer confirms the signal: from now on every verification of the label carries the warning.</summary>
    [WolverinePost("/api/clone-signals/{signalId}/confirmation", OperationId = "ConfirmCloneSignal")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (CloneSignalResponse, CloneSignalConfirmed) Post(CloneSignalDecision command, [WriteAggregate("signalId")] CloneSignalCase signal, Actor actor, TimeProvider clock) =>
        (new(signal.Id, signal.Code, CloneSignalStatus.Confirmed, signal.Version + 1), new(signal.Id, signal.Code, command.Reason.Trim(), actor.Subject, clock.GetUtcNow()));
}

public static class DismissCloneSignalEndpoint
{
    public static ProblemDetails Validate(CloneSignalDecision command) => CloneSignalRules.Valid(command);

    public static ProblemDetails Before(CloneSignalDecision command, CloneSignalCase signal) =>
        CloneSignalRules.Expect(command, signal, CloneSignalStatus.Raised, "dismissed");

    /// <summary>A certification officer finds nothing in a raised signal: it closes, and the scans it rested on never raise it again.</summary>
    [WolverinePost("/api/clone-signals/{signalId}/dismissal", OperationId = "DismissCloneSignal")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (CloneSignalResponse, CloneSignalDismissed) Post(CloneSignalDecision command, [WriteAggregate("signalId")] CloneSignalCase signal, Actor actor, TimeProvider clock) =>
        (new(signal.Id, signal.Code, CloneSignalStatus.Dismissed, signal.Version + 1), new(signal.Id, signal.Code, command.Reason.Trim(), actor.Subject, clock.GetUtcNow()));
}

public static class LiftCloneSignalEndpoint
{
    public static ProblemDetails Validate(CloneSignalDecision command) => CloneSignalRules.Valid(command);

    public static ProblemDetails Before(CloneSignalDecision command, CloneSignalCase signal) =>
        CloneSignalRules.Expect(command, signal, CloneSignalStatus.Confirmed, "lifted");

    /// <summary>A certification officer lifts a confirmed signal (the copies were seized, the code was misread): the warning is gone.</summary>
    [WolverinePost("/api/clone-signals/{signalId}/lifting", OperationId = "LiftCloneSignal")]
    [Tags("Labels")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (CloneSignalResponse, CloneSignalLifted) Post(CloneSignalDecision command, [WriteAggregate("signalId")] CloneSignalCase signal, Actor actor, TimeProvider clock) =>
        (new(signal.Id, signal.Code, CloneSignalStatus.Lifted, signal.Version + 1), new(signal.Id, signal.Code, command.Reason.Trim(), actor.Subject, clock.GetUtcNow()));
}

public static class CloneSignalRules
{
    public static ProblemDetails Valid(CloneSignalDecision command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Reason, "reason", 2000).ToProblem();

    public static ProblemDetails Expect(CloneSignalDecision command, CloneSignalCase signal, CloneSignalStatus from, string becoming) =>
        Versioning.Check(command.ExpectedVersion, signal.Version, "clone signal") is var stale && stale.Stops() ? stale
        : signal.Status != from
            ? Problems.Conflict("clone-signal-" + signal.Status.ToString().ToLowerInvariant(),
                $"The signal on {signal.Code} is {signal.Status.ToString().ToLowerInvariant()}: only a {from.ToString().ToLowerInvariant()} signal can be {becoming}.")
            : WolverineContinue.NoProblems;
}
