using System.Globalization;
using OvopQuality.Api.Certification.Lifecycle;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>What a certificate was at an instant, and since when: the answer behind every verification.</summary>
public sealed record Standing(LabelStatus Status, string Reason, ReasonClass? ReasonClass, DateTimeOffset? Since, string? SupersededBy = null);

/// <summary>
/// Folds a certificate's public timeline at an instant <c>at</c>, counting only the facts recorded
/// by <c>knownAt</c>. With knownAt = now it says what was true at that instant as known today
/// (back-dated suspensions included); with knownAt = at it says what a verifier would have been
/// told at that instant. The validity dates are part of the grant, so expiry needs no later fact.
/// </summary>
public static class CertificateStanding
{
    public static Standing At(PublicCertificate certificate, DateTimeOffset at, DateTimeOffset knownAt)
    {
        var number = certificate.CertificateNumber;
        var facts = certificate.Timeline
            .Where(f => f.RecordedAt <= knownAt && f.EffectiveFrom <= at)
            .OrderBy(f => f.EffectiveFrom).ThenBy(f => f.Version)
            .ToList();
        if (number is null || certificate.ValidFrom is not { } validFrom || certificate.ValidUntil is not { } validUntil
            || facts.FirstOrDefault(f => f.Event == TimelineEvent.Granted) is not { } granted)
        {
            return new Standing(LabelStatus.Unknown, "No certificate was in force for this product at that time.", null, null);
        }

        var standing = new Standing(LabelStatus.Valid, $"Certificate {number} is in force until {Day(validUntil)}.", null, granted.EffectiveFrom);
        foreach (var fact in facts)
        {
            standing = fact.Event switch
            {
                TimelineEvent.Suspended => new Standing(LabelStatus.Suspended,
                    $"Certificate {number} is suspended since {Day(fact.EffectiveFrom)}: {Describe(fact.ReasonClass)}.", fact.ReasonClass, fact.EffectiveFrom),
                TimelineEvent.Reinstated => new Standing(LabelStatus.Valid,
                    $"Certificate {number} is in force until {Day(validUntil)} (reinstated on {Day(fact.EffectiveFrom)}).", null, fact.EffectiveFrom),
                TimelineEvent.Withdrawn => new Standing(LabelStatus.Withdrawn,
                    $"Certificate {number} was withdrawn on {Day(fact.EffectiveFrom)}: {Describe(fact.ReasonClass)}.", fact.ReasonClass, fact.EffectiveFrom),
                TimelineEvent.Surrendered => new Standing(LabelStatus.Withdrawn,
                    $"Certificate {number} was surrendered by the producer on {Day(fact.EffectiveFrom)}.", fact.ReasonClass, fact.EffectiveFrom),
                TimelineEvent.Expired => Expired(number, validUntil),
                TimelineEvent.Superseded => new Standing(LabelStatus.Superseded,
                    $"Certificate {number} was renewed: certificate {fact.LinkedCertificateNumber} replaces it from {Day(fact.EffectiveFrom)}.", null, fact.EffectiveFrom, fact.LinkedCertificateNumber),
                _ => standing,
            };
        }

        var expiresAt = LifecycleSettings.ExpiresAt(validUntil);
        if (at >= expiresAt && standing.Status is LabelStatus.Valid or LabelStatus.Suspended)
        {
            standing = Expired(number, validUntil);
        }

        return at < LifecycleSettings.StartOf(validFrom) || at < granted.EffectiveFrom
            ? new Standing(LabelStatus.Unknown, $"Certificate {number} was not yet granted at that time (valid from {Day(validFrom)}).", null, null)
            : standing;
    }

    private static Standing Expired(string number, DateOnly validUntil) =>
        new(LabelStatus.Expired, $"Certificate {number} expired after {Day(validUntil)}.", null, LifecycleSettings.ExpiresAt(validUntil));

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset instant) => ProgrammeTime.DayOf(instant).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Describe(ReasonClass? reason) => reason switch
    {
        ReasonClass.SurveillanceFailed => "a surveillance inspection found the standard no longer met",
        ReasonClass.NonConformity => "non-conformities were not corrected",
        ReasonClass.LabResultOutOfLimits => "laboratory results were outside the standard's limits",
        ReasonClass.ComplaintUpheld => "a complaint against the product was upheld",
        ReasonClass.MisuseOfLabels => "labels were misused",
        ReasonClass.ProducerRequest => "at the producer's request",
        ReasonClass.SuspensionCapReached => "it stayed suspended for the longest time allowed",
        _ => "a decision of the certification body",
    };
}
