using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.PublicDirectory.Reading;

/// <summary>A granted certificate on a producer's public page: how it stands now and why, and its public timeline.</summary>
public sealed record DirectoryCertificate(
    string CertificateNumber,
    LocalizedText ProductName,
    ProductCategory Category,
    string? HsCode,
    string StandardCode,
    int StandardVersion,
    LocalizedText StandardTitle,
    int? Stars,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    LabelStatus Standing,
    string Reason,
    ReasonClass? ReasonClass,
    DateTimeOffset? Since,
    string? SupersededBy,
    IReadOnlyList<PublicTimelineEntry> Timeline);

/// <summary>
/// A certified producer as the public may see it: its published name (the Tajik and Russian ones also
/// in Latin letters), where it is (also in Latin letters), its certificates, and its contact only if it agreed to publish it.
/// </summary>
public sealed record DirectoryProducer(
    string ProducerNumber,
    LocalizedText Name,
    string NameInLatin,
    string RussianNameInLatin,
    Region Region,
    string District,
    string DistrictInLatin,
    string Village,
    string VillageInLatin,
    Contact? Contact,
    DateTimeOffset AsOf,
    IReadOnlyList<DirectoryCertificate> Certificates)
{
    public static DirectoryProducer Of(IndexedProducer p, DateTimeOffset now)
    {
        var e = p.Entry;
        return new DirectoryProducer(e.Number, e.Name, Labels.Page.Transliteration.ToLatin(e.Name.Tg), Labels.Page.Transliteration.ToLatin(e.Name.Ru),
            e.Address.Region, e.Address.District, Labels.Page.Transliteration.ToLatin(e.Address.District),
            e.Address.Village, Labels.Page.Transliteration.ToLatin(e.Address.Village), e.ContactForPublic(), now,
            [.. p.Certificates.Select(c =>
            {
                var certificate = c.Certificate;
                var standing = CertificateStanding.At(certificate, now, now);
                return new DirectoryCertificate(
                    certificate.CertificateNumber!, certificate.ProductName, certificate.ProductCategory, c.HsCode, certificate.StandardCode,
                    certificate.StandardVersion, certificate.StandardTitle, certificate.Stars, certificate.ValidFrom, certificate.ValidUntil,
                    standing.Status, standing.Reason, standing.ReasonClass, standing.Since, standing.SupersededBy,
                    [.. certificate.Timeline.OrderBy(t => t.EffectiveFrom).ThenBy(t => t.Version)
                        .Select(t => new PublicTimelineEntry(t.Event, t.ReasonClass, GetCertificateTimelineEndpoint.Describe(t), t.EffectiveFrom, t.RecordedAt, t.LinkedCertificateNumber))]);
            })]);
    }

    /// <summary>A producer number as people write it: any case, spaces around it.</summary>
    public static string Normalize(string producerNumber) => producerNumber.Trim().ToUpperInvariant();
}

public static class GetDirectoryEntryEndpoint
{
    /// <summary>
    /// A certified producer's public entry, without signing in: names, region, district and village,
    /// every certificate granted to it with its standing now (and why, since when), stars, validity,
    /// standard and public timeline; its contact only while it agrees to publish it. A number never
    /// certified, or unknown, is the same 404 problem.
    /// </summary>
    [WolverineGet("/api/directory/{producerNumber}", OperationId = "GetDirectoryEntry")]
    [Tags("Directory")]
    [AllowAnonymous]
    public static async Task<Results<Ok<DirectoryProducer>, ProblemHttpResult>> Get(
        string producerNumber, [FromServices] DirectoryIndex index, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var found = producerNumber.Length <= 40 ? await index.FindAsync(DirectoryProducer.Normalize(producerNumber), session, ct) : null;
        return found is null
            ? TypedResults.Problem(NotListed(producerNumber))
            : TypedResults.Ok(DirectoryProducer.Of(found, clock.GetUtcNow()));
    }

    public static ProblemDetails NotListed(string producerNumber) =>
        Problems.NotFound("producer", $"No producer {(producerNumber.Length <= 40 ? producerNumber : producerNumber[..40] + "…")} holds or held a certificate of OVOP Tajikistan.");
}
