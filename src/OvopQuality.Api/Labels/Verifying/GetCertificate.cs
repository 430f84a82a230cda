using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification.Lifecycle;

namespace OvopQuality.Api.Labels.Verifying;

public sealed record CertificateAnswer(
    string CertificateNumber,
    LabelStatus Status,
    string Reason,
    ReasonClass? ReasonClass,
    DateTimeOffset? Since,
    string? SupersededBy,
    DateTimeOffset AsOf,
    DateTimeOffset KnownAt,
    string ProducerNumber,
    LocalizedText ProducerName,
    LocalizedText ProductName,
    string StandardCode,
    int StandardVersion,
    LocalizedText StandardTitle,
    int? Stars,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil);

public static class GetCertificateEndpoint
{
    /// <summary>
    /// A certificate's public standing, now or <c>?at=</c> a past instant or day, as known now or
    /// <c>&amp;knownAt=</c> as it was on record then; in the same shape either way.
    /// </summary>
    [WolverineGet("/api/certificates/{number}", OperationId = "GetCertificate")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static async Task<Results<Ok<CertificateAnswer>, ProblemHttpResult>> Get(
        string number, string? at, string? knownAt, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (asOf, invalid) = AsOf.Parse(at, knownAt, clock.GetUtcNow());
        if (asOf is null)
        {
            return TypedResults.Problem(invalid);
        }

        var c = await FindAsync(number, session, ct);
        if (c is null)
        {
            return NotFound(number);
        }

        var standing = CertificateStanding.At(c, asOf.At, asOf.KnownAt);
        return TypedResults.Ok(new CertificateAnswer(
            c.CertificateNumber!, standing.Status, standing.Reason, standing.ReasonClass, standing.Since, standing.SupersededBy, asOf.At, asOf.KnownAt,
            c.ProducerNumber, c.ProducerName, c.ProductName, c.StandardCode, c.StandardVersion, c.StandardTitle, c.Stars, c.ValidFrom, c.ValidUntil));
    }

    internal static async Task<PublicCertificate?> FindAsync(string number, IQuerySession session, CancellationToken ct)
    {
        var normalized = number.Trim().ToUpperInvariant();
        return await session.Query<PublicCertificate>().Where(c => c.CertificateNumber == normalized).FirstOrDefaultAsync(ct);
    }

    internal static ProblemHttpResult NotFound(string number) =>
        TypedResults.Problem(Problems.NotFound("certificate", $"No certificate {number} was ever issued by OVOP Tajikistan."));
}

public sealed record PublicTimeline(string CertificateNumber, DateOnly? ValidFrom, DateOnly? ValidUntil, IReadOnlyList<PublicTimelineEntry> Entries);

public sealed record PublicTimelineEntry(TimelineEvent Event, ReasonClass? ReasonClass, string Description, DateTimeOffset EffectiveFrom, DateTimeOffset RecordedAt, string? LinkedCertificateNumber);

public static class GetCertificateTimelineEndpoint
{
    /// <summary>
    /// The public life of a certificate: granted, surveillance passed, suspended (with the class of
    /// reason), reinstated, withdrawn, surrendered, expired; each with when it took effect and when
    /// it was recorded. No people, no findings.
    /// </summary>
    [WolverineGet("/api/certificates/{number}/timeline", OperationId = "GetCertificateTimeline")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static async Task<Results<Ok<PublicTimeline>, ProblemHttpResult>> Get(string number, IQuerySession session, CancellationToken ct)
    {
        var c = await GetCertificateEndpoint.FindAsync(number, session, ct);
        return c is null
            ? GetCertificateEndpoint.NotFound(number)
            : TypedResults.Ok(new PublicTimeline(c.CertificateNumber!, c.ValidFrom, c.ValidUntil, [.. c.Timeline
                .OrderBy(t => t.EffectiveFrom).ThenBy(t => t.Version)
                .Select(t => new PublicTimelineEntry(t.Event, t.ReasonClass, Describe(t), t.EffectiveFrom, t.RecordedAt, t.LinkedCertificateNumber))]));
    }

    internal static string Describe(TimelineEntry entry) => entry.Event switch
    {
        TimelineEvent.Granted => "Certificate granted",
        TimelineEvent.SurveillancePassed => "Surveillance inspection passed",
        TimelineEvent.Suspended => "Suspended: " + CertificateStanding.Describe(entry.ReasonClass),
        TimelineEvent.Reinstated => "Reinstated",
        TimelineEvent.Withdrawn => "Withdrawn: " + CertificateStanding.Describe(entry.ReasonClass),
        TimelineEvent.Surrendered => "Surrendered by the producer",
        TimelineEvent.Expired => "Expired at the end of its validity",
        TimelineEvent.Superseded => $"Renewed: replaced by certificate {entry.LinkedCertificateNumber}",
        TimelineEvent.ScopeChanged => "Scope changed",
        _ => entry.Event.ToString(),
    };
}
