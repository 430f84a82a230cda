using JasperFx.Events;
using Marten.Events.Aggregation;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Labels;

public enum TimelineEvent
{
    Granted,
    SurveillancePassed,
    Suspended,
    Reinstated,
    Withdrawn,
    Surrendered,
    Expired,
    Superseded,
    ScopeChanged,
}

/// <summary>
/// One public fact of a certificate's life, with both of its times: when it took effect and when it
/// was recorded. No names, no findings, no free-text reasons: only the class of the reason.
/// </summary>
public sealed record TimelineEntry(
    TimelineEvent Event, ReasonClass? ReasonClass, DateTimeOffset EffectiveFrom, DateTimeOffset RecordedAt, long Version, string? LinkedCertificateNumber = null);

/// <summary>
/// What anyone may know of a certification file: no findings, no evidence, no people. It is the
/// document label verification reads, kept small so a lookup stays one short round trip, and its
/// timeline answers for any instant.
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
    DateOnly? ValidUntil,
    IReadOnlyList<TimelineEntry>? Timeline)
{
    /// <summary>Never null, also for documents projected before the timeline existed.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = Timeline ?? [];

    public long Version { get; set; }
}

public sealed partial class PublicCertificateProjection : SingleStreamProjection<PublicCertificate, Guid>
{
    public static PublicCertificate Create(ApplicationSubmitted e) =>
        new(e.FileId, FileStatus.After(default, e), null, e.ProducerNumber, e.ProducerName, e.ProducerAddress.Region,
            e.ProductName, e.ProductCategory, e.Standard.Code, e.Standard.Version, e.Standard.Title, null, null, null, []);

    public static PublicCertificate Apply(IEvent<StandardMet> e, PublicCertificate certificate) =>
        certificate with
        {
            Status = FileStatus.After(certificate.Status, e.Data),
            CertificateNumber = e.Data.CertificateNumber,
            Stars = e.Data.Stars,
            ValidFrom = e.Data.ValidFrom,
            ValidUntil = e.Data.ValidUntil,
            Timeline = [.. certificate.Timeline, new TimelineEntry(TimelineEvent.Granted, null, e.Data.TookEffect, e.Data.DecidedAt, e.Version)],
        };

    public static PublicCertificate Apply(CertificationRefused e, PublicCertificate certificate) =>
        certificate with { Status = FileStatus.After(certificate.Status, e) };

    public static PublicCertificate Apply(IEvent<SurveillancePassed> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.SurveillancePassed, null, e.Data.EffectiveFrom, e.Data.At);

    public static PublicCertificate Apply(IEvent<CertificateSuspended> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Suspended, e.Data.ReasonClass, e.Data.EffectiveFrom, e.Data.DecidedAt);

    public static PublicCertificate Apply(IEvent<CertificateReinstated> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Reinstated, null, e.Data.EffectiveFrom, e.Data.DecidedAt);

    public static PublicCertificate Apply(IEvent<CertificateWithdrawn> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Withdrawn, e.Data.ReasonClass, e.Data.EffectiveFrom, e.Data.DecidedAt);

    public static PublicCertificate Apply(IEvent<CertificateSurrendered> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Surrendered, ReasonClass.ProducerRequest, e.Data.EffectiveFrom, e.Data.At);

    public static PublicCertificate Apply(IEvent<CertificateExpired> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Expired, null, e.Data.EffectiveFrom, e.Data.At);

    /// <summary>
    /// Adds a fact with its two times. The recorded time is the one the service's clock gave the
    /// decision (the same clock as every other time it states), not the database's.
    /// </summary>
    public static PublicCertificate Apply(IEvent<WithdrawalOverturned> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.Reinstated, null, e.Data.EffectiveFrom, e.Data.At);

    public static PublicCertificate Apply(RefusalOverturned e, PublicCertificate certificate) =>
        certificate with { Status = FileStatus.After(certificate.Status, e) };

    public static PublicCertificate Apply(IEvent<ScopeChanged> e, PublicCertificate certificate) =>
        Add(certificate, e, TimelineEvent.ScopeChanged, null, e.Data.EffectiveFrom, e.Data.DecidedAt);

    public static PublicCertificate Apply(IEvent<CertificateSuperseded> e, PublicCertificate certificate) =>
        certificate with
        {
            Status = FileStatus.After(certificate.Status, e.Data),
            Timeline = [.. certificate.Timeline, new TimelineEntry(TimelineEvent.Superseded, null, e.Data.EffectiveFrom, e.Data.At, e.Version, e.Data.ByCertificateNumber)],
        };

    private static PublicCertificate Add(PublicCertificate certificate, IEvent e, TimelineEvent what, ReasonClass? reason, DateTimeOffset effective, DateTimeOffset recorded) =>
        certificate with
        {
            Status = FileStatus.After(certificate.Status, e.Data),
            Timeline = [.. certificate.Timeline, new TimelineEntry(what, reason, effective, recorded, e.Version)],
        };
}
