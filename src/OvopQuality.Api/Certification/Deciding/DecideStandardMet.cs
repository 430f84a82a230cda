using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;
using Wolverine;
using Wolverine.Marten;

namespace OvopQuality.Api.Certification.Deciding;

/// <summary>
/// The decision that the standard is met. Stars are not chosen: they follow from the score of the
/// last inspection and the thresholds of the file's standard version. The certified volume (labels
/// over the whole validity) defaults to the declared annual volume times the years of validity.
/// </summary>
/// <param name="ExpectedVersion">The version of the file the officer read.</param>
/// <param name="Scope">What the certificate covers: products, pack sizes, lots.</param>
/// <param name="CertifiedUnits">Labels allowed over the validity; by default the declared annual volume times the years of validity.</param>
/// <param name="ValidFrom">
/// Only to record a decision taken earlier, on paper (certificates from before the registry): the
/// day its validity began, not before the inspection. By default the day of the decision.
/// </param>
public sealed record DecideStandardMet(long ExpectedVersion, string Scope, int? CertifiedUnits = null, DateOnly? ValidFrom = null);

public sealed record CertificateGranted(string CertificateNumber, int Stars, int ScorePercent, DateOnly ValidFrom, DateOnly ValidUntil, int CertifiedUnits, long Version);

/// <summary>What a grant rests on: the last recorded inspection, which <c>Before</c> found and judged.</summary>
public sealed record GrantBasis(InspectionOutcome Inspection);

public static class DecideStandardMetEndpoint
{
    public static ProblemDetails Validate(DecideStandardMet command) =>
        new Validation().Version(command.ExpectedVersion)
            .Text(command.Scope, "scope", 1000)
            .Require(command.CertifiedUnits is null or >= 1, "certifiedUnits", "must be 1 or more")
            .ToProblem();

    /// <summary>The rules of a grant, and the recorded inspection it rests on: found once, here, and handed to <c>Post</c>.</summary>
    public static (ProblemDetails, GrantBasis?) Before(DecideStandardMet command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        var problem = Rules(command, file, actor, clock);
        return (problem, problem.Stops() ? null : new GrantBasis(file.LatestRecordedInspection!.Outcome!));
    }

    private static ProblemDetails Rules(DecideStandardMet command, CertificationFile file, Actor actor, TimeProvider clock)
    {
        var problem = DecisionRules.CanDecide(file, command.ExpectedVersion, actor.Subject, BodyDecision.Grant);
        if (problem.Stops())
        {
            return problem;
        }

        if (file.Findings.FirstOrDefault(f => f.BlocksGrant) is { } open)
        {
            return Problems.Conflict("open-major-finding",
                $"A {open.Severity.ToString().ToLowerInvariant()} finding (due {open.Deadline:yyyy-MM-dd}) is not closed: the standard cannot be met until its corrective action is accepted.");
        }

        var outcome = file.LatestRecordedInspection!.Outcome!;
        if (outcome.FailedMandatoryRequirements.Count > 0)
        {
            return Problems.Conflict("mandatory-requirement-failed",
                "The standard is not met: mandatory requirement(s) failed: " + string.Join(", ", outcome.FailedMandatoryRequirements) + ".");
        }

        if (file.Standard.Stars.StarsFor(outcome.ScorePercent) == 0)
        {
            return Problems.Conflict("score-below-one-star",
                $"The score {outcome.ScorePercent} % is below the one-star threshold of {file.Standard.Stars.OneStar} %.");
        }

        if (command.ValidFrom is { } from && (from < outcome.TookPlaceOn || from > ProgrammeTime.DayOf(clock.GetUtcNow())))
        {
            return Problems.Invalid(new Dictionary<string, string[]>
            {
                ["validFrom"] = [$"must lie between the inspection ({outcome.TookPlaceOn:yyyy-MM-dd}) and today"],
            });
        }

        var maximum = MaximumCertifiedUnits(file);
        return command.CertifiedUnits > maximum
            ? Problems.Conflict("certified-volume-above-declared",
                $"At most {maximum} units can be certified: the declared {file.DeclaredVolume.AnnualUnits} a year over {file.Standard.ValidityMonths} months.")
            : WolverineContinue.NoProblems;
    }

    public static int MaximumCertifiedUnits(CertificationFile file) =>
        (int)Math.Min(int.MaxValue, Math.Ceiling(file.DeclaredVolume.AnnualUnits * file.Standard.ValidityMonths / 12.0));

    /// <summary>
    /// Grants the certificate: a number, the stars, the scope and the validity; schedules its
    /// surveillance, the reminders before expiry and the expiry.
    /// </summary>
    [WolverinePost("/api/certifications/{fileId}/decisions/standard-met", OperationId = "DecideStandardMet")]
    [Tags("Certification")]
    [Authorize(Roles = Roles.CertificationOfficer)]
    public static async Task<(CertificateGranted, Events, OutgoingMessages)> Post(
        DecideStandardMet command, [WriteAggregate("fileId")] CertificationFile file, GrantBasis basis, Actor actor, NpgsqlDataSource database,
        IDocumentSession session, LifecycleSettings settings, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var number = await Identifiers.NextCertificateNumberAsync(database, now, ct);
        var met = Grant(command, file, basis, actor.Subject, number, now);
        met = met with { SurveillanceSchedule = ScheduledTransitions.SurveillanceDays(met.ValidFrom, met.ValidUntil, settings) };
        await Renewal.SupersedeAsync(session, file, met, ct);
        return (new CertificateGranted(met.CertificateNumber, met.Stars, met.ScorePercent, met.ValidFrom, met.ValidUntil, met.CertifiedUnits, file.Version + 1),
            [met], ScheduledTransitions.AfterGrant(file.Id, met.ValidFrom, met.ValidUntil, settings, now));
    }

    public static StandardMet Grant(DecideStandardMet command, CertificationFile file, GrantBasis basis, string officer, string certificateNumber, DateTimeOffset now)
    {
        var score = basis.Inspection.ScorePercent;
        var validFrom = command.ValidFrom ?? ProgrammeTime.DayOf(now);
        var validUntil = validFrom.AddMonths(file.Standard.ValidityMonths).AddDays(-1);
        return new StandardMet(
            file.Id, certificateNumber, file.Standard.Stars.StarsFor(score), score, command.Scope,
            command.CertifiedUnits ?? MaximumCertifiedUnits(file), validFrom, validUntil,
            file.Standard.Code, file.Standard.Version, officer, now,
            command.ValidFrom is { } from ? LifecycleSettings.StartOf(from) : null);
    }
}
