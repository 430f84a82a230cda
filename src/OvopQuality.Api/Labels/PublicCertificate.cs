using JasperFx.Events;
using Marten.Events.Aggregation;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Labels;

/// <summary>
/// What anyone may know of a certification file: no findings, no evidence, no people. It is the
/// document label verification reads, kept small so a lookup stays one short round trip.
/// </summary>
public sealed record PublicCertificate(
    Guid Id,
    CertificationStatus Status,
    string? CertificateNumber,
    string ProducerNumber,
    LocalizedText ProducerName,
    Region Region,
    LocalizedText ProductName,
    ProductCategory ProductCategory,
    string StandardCode,
    int StandardVersion,
    LocalizedText StandardTitle,
    int? Stars,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil)
{
    public long Version { get; set; }
}

public sealed partial class PublicCertificateProjection : SingleStreamProjection<PublicCertificate, Guid>
{
    public static PublicCertificate Create(ApplicationSubmitted e) =>
        new(e.FileId, CertificationStatus.Applied, null, e.ProducerNumber, e.ProducerName, e.ProducerAddress.Region,
            e.ProductName, e.ProductCategory, e.Standard.Code, e.Standard.Version, e.Standard.Title, null, null, null);

    public static PublicCertificate Apply(StandardMet e, PublicCertificate certificate) =>
        certificate with
        {
            Status = CertificationStatus.Certified,
            CertificateNumber = e.CertificateNumber,
            Stars = e.Stars,
            ValidFrom = e.ValidFrom,
            ValidUntil = e.ValidUntil,
        };

    public static PublicCertificate Apply(CertificationRefused e, PublicCertificate certificate) =>
        certificate with { Status = CertificationStatus.Refused };
}
