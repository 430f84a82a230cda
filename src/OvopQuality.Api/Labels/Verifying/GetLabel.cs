using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Labelling;

namespace OvopQuality.Api.Labels.Verifying;

public sealed record LabelAnswer(
    string Code,
    string DisplayCode,
    LabelStatus Status,
    string Reason,
    DateTimeOffset AsOf,
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
    DateTimeOffset IssuedAt);

public static class GetLabelEndpoint
{
    /// <summary>
    /// Verifies a label for anyone, without signing in: its status with the reason, the certificate,
    /// product, producer, standard and stars, and the instant the certificate's state was read
    /// (asOf). An unknown code is a 404 problem.
    /// </summary>
    [WolverineGet("/api/labels/{code}", OperationId = "GetLabel")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(Access.AccessConfiguration.VerificationCors)]
    public static async Task<Results<Ok<LabelAnswer>, ProblemHttpResult>> Get(string code, LabelLookup labels, TimeProvider clock, CancellationToken ct)
    {
        var canonical = LabelCode.Normalize(code);
        if (canonical is null)
        {
            return Unknown("is not a label code: a code has 17 letters and digits, e.g. 7K2M-9QXA-4HPD-T8WN-3");
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
        var (status, reason) = Judge(snapshot.Certificate, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        var c = snapshot.Certificate;
        return TypedResults.Ok(new LabelAnswer(
            canonical, LabelCode.Display(canonical), status, reason, snapshot.ReadAt, c.CertificateNumber, c.ProducerNumber, c.ProducerName,
            c.ProductName, c.StandardCode, c.StandardVersion, c.StandardTitle, c.Stars, c.ValidFrom, c.ValidUntil, issue.Lot, issue.IssuedAt));

        ProblemHttpResult Unknown(string why) =>
            TypedResults.Problem(Problems.NotFound("label", $"The code '{code}' {why}."));
    }

    /// <summary>The status a label has on a day, from its certificate.</summary>
    public static (LabelStatus Status, string Reason) Judge(PublicCertificate certificate, DateOnly day) =>
        certificate switch
        {
            { Status: not CertificationStatus.Certified } => (LabelStatus.Unknown, "The certificate of this label is not in force."),
            { ValidUntil: { } until } when day > until => (LabelStatus.Expired, $"Certificate {certificate.CertificateNumber} expired after {until:yyyy-MM-dd}."),
            { ValidFrom: { } from } when day < from => (LabelStatus.NotYetValid, $"Certificate {certificate.CertificateNumber} is valid from {from:yyyy-MM-dd}."),
            _ => (LabelStatus.Valid, $"Certificate {certificate.CertificateNumber} is in force until {certificate.ValidUntil:yyyy-MM-dd}."),
        };
}
