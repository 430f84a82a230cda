using Wolverine;
using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Labelling;

namespace OvopQuality.Api.Labels.Verifying;

// One line: the OpenAPI document joins the lines of a type's summary without spaces.
/// <summary>A label's verification. `stateReadAt` is how old the certificate's state behind it is: the instant it was read from the primary database, or the later instant this instance last confirmed that no change to the certificate was committed since (its change listener's heartbeat, every second), or the instant it was read from a standby that had replayed all it received; from a standby still replaying, the instant of the last transaction it had replayed (never later than the truth). A change is never answered from a standby that has not replayed it, and a standby lagging more than a few seconds is not asked.</summary>
public sealed record LabelAnswer(
    string Code,
    string DisplayCode,
    LabelStatus Status,
    string Reason,
    Certification.Lifecycle.ReasonClass? ReasonClass,
    DateTimeOffset? Since,
    string? SupersededBy,
    DateTimeOffset AsOf,
    DateTimeOffset KnownAt,
    DateTimeOffset StateReadAt,
    string? CertificateNumber,
    string ProducerNumber,
    LocalizedText ProducerName,
    LocalizedText ProductName,
    string StandardCode,
    int StandardVersion,
    LocalizedText StandardTitle,
    int? Stars,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    string Lot,
    DateTimeOffset IssuedAt,
    string? Warning = null,
    DateTimeOffset? WarningConfirmedAt = null);

public static class GetLabelEndpoint
{
    /// <summary>
    /// Verifies a label for anyone, without signing in: its status (valid, suspended, withdrawn,
    /// expired, unknown) with the reason and since when, the certificate, product, producer,
    /// standard and stars. <c>?at=</c> answers for a past instant or day (a shipment's date);
    /// <c>&amp;knownAt=</c> for what was on record then (default: what is known now). A verifier may
    /// add a coarse position (<c>lat</c>, <c>lon</c>, rounded to a tenth of a degree) to help find
    /// copied labels; <c>warning</c> is there only once staff confirmed that copies may be in
    /// circulation (<c>warningConfirmedAt</c> says when). <c>stateReadAt</c> says how old the
    /// certificate's state behind the answer is (it may be read from a streaming standby, at most a few
    /// seconds behind, never behind a change already answered). An unknown code is a 404 problem.
    /// </summary>
    [WolverineGet("/api/labels/{code}", OperationId = "GetLabel")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(Access.AccessConfiguration.VerificationCors)]
    public static async Task<Results<Ok<LabelAnswer>, ProblemHttpResult>> Get(
        string code, string? at, string? knownAt, double? lat, double? lon, LabelLookup labels, Scans.CloneWatch clones, ClientPseudonyms clients,
        HttpContext context, IMessageBus bus, OvopMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (asOf, invalid) = AsOf.Parse(at, knownAt, now);
        if (asOf is null)
        {
            return TypedResults.Problem(invalid);
        }

        var canonical = LabelCode.Normalize(code);
        if (canonical is null)
        {
            return Unknown("is not a label code: a code has 17 letters and digits, e.g. 7K2M-9QXA-4HPD-T8WN-G");
        }

        if (!LabelCode.HasValidCheck(canonical))
        {
            return Unknown("does not pass its check character: a character may be mistyped");
        }

        var found = await labels.FindAsync(canonical, ct);
        if (found is not { } label)
        {
            return Unknown("was never issued by OVOP Tajikistan: the product may not be genuine");
        }

        var (issue, snapshot) = label;
        if (at is null && knownAt is null)
        {
            var (latitude, longitude) = Scans.ScanRecords.Coarse(lat, lon);
            await bus.PublishAsync(new Scans.LabelScanned(canonical, now, latitude, longitude, clients.NameOf(context.Connection.RemoteIpAddress)));
        }

        var c = snapshot.Certificate;
        var warning = clones.WarningFor(canonical);
        var standing = issue.IssuedAt > asOf.At || issue.IssuedAt > asOf.KnownAt
            ? new Standing(LabelStatus.Unknown, $"This label was issued on {issue.IssuedAt:yyyy-MM-dd}, after the time asked about.", null, null)
            : CertificateStanding.At(c, asOf.At, asOf.KnownAt);
        metrics.Verified(standing.Status);
        return TypedResults.Ok(new LabelAnswer(
            canonical, LabelCode.Display(canonical), standing.Status, standing.Reason, standing.ReasonClass, standing.Since, standing.SupersededBy,
            asOf.At, asOf.KnownAt, snapshot.ReadAt, c.CertificateNumber, c.ProducerNumber, c.ProducerName,
            c.ProductName, c.StandardCode, c.StandardVersion, c.StandardTitle, c.Stars, c.ValidFrom, c.ValidUntil, issue.Lot, issue.IssuedAt,
            warning?.Text, warning?.ConfirmedAt));

        ProblemHttpResult Unknown(string why)
        {
            metrics.VerifiedUnknownCode();
            return TypedResults.Problem(Problems.NotFound("label", $"The code '{code}' {why}."));
        }
    }
}
