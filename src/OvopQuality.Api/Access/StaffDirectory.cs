using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OvopQuality.Api.Access;

/// <summary>
/// A member of the body's staff as the service knows them: noted when they first use the API with a
/// staff role (officer, administrator, inspector), or registered ahead by an administrator. Work is
/// given only to people found here, so a complaint cannot be handed to a name nobody answers to.
/// </summary>
public sealed record StaffMember(string Id, string Name, string Role, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string? RegisteredBy = null)
{
    /// <summary>Who may handle complaints: certification officers and administrators.</summary>
    public bool MayHandleComplaints => Role is Roles.CertificationOfficer or Roles.Administrator;
}

/// <summary>
/// Notes staff as they use the API. In memory it keeps only when this instance last wrote each
/// person, so that it writes at most once an hour per person; losing that (a restart, another
/// instance) costs one more write, never a wrong answer: the register itself is in the database.
/// </summary>
public sealed class StaffDirectory(IDocumentStore store, TimeProvider clock, ILogger<StaffDirectory> logger)
{
    private static readonly TimeSpan WriteEvery = TimeSpan.FromHours(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _written = new(StringComparer.Ordinal);

    public static bool IsStaff(string role) => role is Roles.CertificationOfficer or Roles.Administrator or Roles.Inspector;

    public async Task NoteAsync(Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var id = actor.Subject.ToLowerInvariant();
        if (!IsStaff(actor.Role) || (_written.TryGetValue(id, out var last) && now - last < WriteEvery))
        {
            return;
        }

        _written[id] = now;
        try
        {
            await using var session = store.LightweightSession();
            var known = await session.LoadAsync<StaffMember>(id, ct);
            session.Store(new StaffMember(id, actor.Name, actor.Role, known?.FirstSeenAt ?? now, now, known?.RegisteredBy));
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Noting is best effort: the request itself goes on, and the next one tries again.
            _written.TryRemove(id, out _);
            logger.LogWarning(e, "Could not note staff member {Subject}", id);
        }
    }
}

public sealed record RegisterStaffMember(string Name, string Role);

public static class StaffEndpoints
{
    /// <summary>The staff the service knows, by subject: who may be given inspections, reviews and complaints.</summary>
    [WolverineGet("/api/staff", OperationId = "GetStaff")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Page<StaffMember>>, ProblemHttpResult>> Get(string? role, int? limit, string? cursor, IQuerySession session, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<StaffMember>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(role))
        {
            query = query.Where(s => s.Role == role);
        }

        var total = await query.CountAsync(ct);
        var staff = await query.OrderBy(s => s.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        return TypedResults.Ok(Paging.PageOf(staff, page, total));
    }

}

public static class RegisterStaffMemberEndpoint
{
    public static ProblemDetails Validate(RegisterStaffMember command) =>
        new Validation().Text(command.Name, "name", 200)
            .Require(StaffDirectory.IsStaff(command.Role), "role", $"must be one of: {Roles.CertificationOfficer}, {Roles.Administrator}, {Roles.Inspector}")
            .ToProblem();

    /// <summary>Registers a member of staff ahead of their first sign-in (by the subject their tokens will carry), or corrects their name or role.</summary>
    [WolverinePut("/api/staff/{subject}", OperationId = "RegisterStaffMember")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.Administrator)]
    public static async Task<Results<Ok<StaffMember>, ProblemHttpResult>> Put(
        string subject, RegisterStaffMember command, IDocumentSession session, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200)
        {
            return TypedResults.Problem(Problems.Invalid(new Dictionary<string, string[]> { ["subject"] = ["must be the subject of the person's tokens, at most 200 characters"] }));
        }

        var id = subject.Trim().ToLowerInvariant();
        var now = clock.GetUtcNow();
        var known = await session.LoadAsync<StaffMember>(id, ct);
        var member = new StaffMember(id, command.Name.Trim(), command.Role, known?.FirstSeenAt ?? now, known?.LastSeenAt ?? now, actor.Subject);
        session.Store(member);
        await session.SaveChangesAsync(ct);
        return TypedResults.Ok(member);
    }
}
