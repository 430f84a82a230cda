using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification;
using Wolverine.Marten;

namespace OvopQuality.Api.Complaints;

public sealed record AssignComplaint(long ExpectedVersion, string Handler);

public sealed record ComplaintResponse(string Reference, ComplaintStatus Status, long Version);

public static class AssignComplaintEndpoint
{
    public static ProblemDetails Validate(AssignComplaint command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Handler, "handler").ToProblem();

    /// <summary>The impartiality rule for a complaint's handler, against the file the complaint is about (if the registry knows it).</summary>
    public static async Task<ProblemDetails> Impartial(Complaint complaint, BodyDecision decision, string handler, IQuerySession session, CancellationToken ct) =>
        complaint.FileId is { } fileId && await session.LoadAsync<CertificationFile>(fileId, ct) is { } file
            ? file.Impartial(decision, handler)
            : WolverineContinue.NoProblems;

    public static async Task<ProblemDetails> Before(AssignComplaint command, Complaint complaint, IQuerySession session, CancellationToken ct)
    {
        if (Versioning.Check(command.ExpectedVersion, complaint.Version, "complaint") is var stale && stale.Stops())
        {
            return stale;
        }

        if (complaint.Status == ComplaintStatus.Resolved)
        {
            return Problems.Conflict("complaint-resolved", $"Complaint {complaint.Reference} is resolved; a new complaint may be submitted.");
        }

        var handler = command.Handler.Trim();
        var member = await session.LoadAsync<StaffMember>(handler.ToLowerInvariant(), ct);
        if (member is not { MayHandleComplaints: true })
        {
            return Problems.Invalid(new Dictionary<string, string[]>
            {
                ["handler"] = [$"must be a certification officer or administrator the service knows (GET /api/staff): someone who has signed in, or whom an administrator registered"],
            });
        }

        return await Impartial(complaint, BodyDecision.ComplaintAssignment, handler, session, ct);
    }

    /// <summary>Staff give the complaint to a handler not involved in the certification it is about (again, to hand it over).</summary>
    [WolverinePost("/api/complaints/{complaintId}/assignment", OperationId = "AssignComplaint")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.Staff)]
    public static (ComplaintResponse, ComplaintAssigned) Post(AssignComplaint command, [WriteAggregate("complaintId")] Complaint complaint, Actor actor, TimeProvider clock) =>
        (new ComplaintResponse(complaint.Reference, ComplaintStatus.UnderInvestigation, complaint.Version + 1),
            new ComplaintAssigned(complaint.Id, command.Handler.Trim().ToLowerInvariant(), actor.Subject, clock.GetUtcNow()));
}

public sealed record ResolveComplaint(long ExpectedVersion, ComplaintOutcome Outcome, string Answer, string? ActionTaken = null);

public static class ResolveComplaintEndpoint
{
    public static ProblemDetails Validate(ResolveComplaint command) =>
        new Validation()
            .Version(command.ExpectedVersion)
            .Defined(command.Outcome, "outcome")
            .Text(command.Answer, "answer", 4000)
            .OptionalText(command.ActionTaken, "actionTaken", 4000)
            .ToProblem();

    public static async Task<ProblemDetails> Before(ResolveComplaint command, Complaint complaint, Actor actor, IQuerySession session, CancellationToken ct)
    {
        if (Versioning.Check(command.ExpectedVersion, complaint.Version, "complaint") is var stale && stale.Stops())
        {
            return stale;
        }

        return complaint.Status switch
        {
            ComplaintStatus.Resolved => Problems.Conflict("complaint-resolved", $"Complaint {complaint.Reference} is already resolved."),
            ComplaintStatus.Received => Problems.Conflict("complaint-not-assigned", $"Complaint {complaint.Reference} has no handler yet: assign it first."),
            _ when !string.Equals(complaint.Handler, actor.Subject, StringComparison.OrdinalIgnoreCase) =>
                Problems.Forbidden("not-the-handler", $"Complaint {complaint.Reference} is handled by {complaint.Handler}: only they resolve it."),
            _ => await AssignComplaintEndpoint.Impartial(complaint, BodyDecision.ComplaintResolution, actor.Subject, session, ct),
        };
    }

    /// <summary>
    /// The handler resolves the complaint: upheld or not, the answer the complainant reads, and
    /// the action taken (e.g. a special inspection, a suspension decided on the file).
    /// </summary>
    [WolverinePost("/api/complaints/{complaintId}/resolution", OperationId = "ResolveComplaint")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static (ComplaintResponse, ComplaintResolved) Post(ResolveComplaint command, [WriteAggregate("complaintId")] Complaint complaint, Actor actor, TimeProvider clock) =>
        (new ComplaintResponse(complaint.Reference, ComplaintStatus.Resolved, complaint.Version + 1),
            new ComplaintResolved(complaint.Id, command.Outcome, command.Answer.Trim(), command.ActionTaken?.Trim(), actor.Subject, clock.GetUtcNow()));
}

public static class GetComplaintsEndpoint
{
    /// <summary>Complaints for certification staff, the newest first; <c>?status=</c> received, underInvestigation or resolved; paged.</summary>
    [WolverineGet("/api/complaints", OperationId = "GetComplaints")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Page<Complaint>>, ProblemHttpResult>> Get(ComplaintStatus? status, int? limit, string? cursor, IQuerySession session, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        var query = session.Query<Complaint>().AsQueryable();
        if (status is { } wanted)
        {
            query = query.Where(c => c.Status == wanted);
        }

        var total = await query.CountAsync(ct);
        return TypedResults.Ok(Paging.PageOf(await query.OrderByDescending(c => c.ReceivedAt).ThenBy(c => c.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct), page, total));
    }

    /// <summary>One complaint, with the complainant's details if given and every step: who did what, when.</summary>
    [WolverineGet("/api/complaints/{complaintId}", OperationId = "GetComplaint")]
    [Tags("Complaints")]
    [Authorize(Roles = Roles.Staff)]
    public static async Task<Results<Ok<Complaint>, ProblemHttpResult>> GetOne(Guid complaintId, IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<Complaint>(complaintId, ct) is { } complaint
            ? TypedResults.Ok(complaint)
            : TypedResults.Problem(Problems.NotFound("complaint", $"There is no complaint {complaintId}."));
}
