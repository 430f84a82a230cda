using System.Globalization;
using System.Reflection;
using JasperFx.Events;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Appeals;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Certification.Reading;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;
using OvopQuality.Api.Standards.Publishing;
using OvopQuality.Api.Standards.Seeding;

namespace OvopQuality.Tests.Domain;

/// <summary>
/// Random valid histories of a certification file, applied event by event to the write model, the
/// file view and the public certificate, as their projections apply them: the status they give
/// agrees at every step, and so does what a verifier is told at each instant, as known then. A fixed
/// seed, and a changing one (OVOP_PROBE_SEED, printed by test.sh).
/// </summary>
public class FileStatusAgreementTests
{
    private static readonly StandardVersion DriedFruit =
        PublishStandardVersionEndpoint.Publish("OVOP-DF", null, SeedStandards.Catalogue[0].Definition, DateTimeOffset.UnixEpoch).Standard;

    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> Seeds()
    {
        var changing = int.TryParse(Environment.GetEnvironmentVariable("OVOP_PROBE_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 17;
        return [20261204, changing];
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void The_write_model_the_file_view_and_the_public_certificate_agree_on_the_status_at_every_step(int seed)
    {
        var random = new Random(seed);
        for (var history = 0; history < 300; history++)
        {
            var steps = new List<string>();
            var fileId = Guid.NewGuid();
            var at = Start;
            object first = new ApplicationSubmitted(fileId, Guid.NewGuid(), "TJ-P-000001", new("Т", "Т", "T"), new Address(Region.Sughd, "Isfara", "Chorkuh"),
                Guid.NewGuid(), new("Т", "Т", "T"), ProductCategory.DriedFruit, DriedFruit, new DeclaredVolume(1000, "pack"),
                new NationalEvidence("N", "T", new DateOnly(2028, 1, 1), "S", new DateOnly(2028, 1, 1)), at);
            var file = CertificationFile.Create((ApplicationSubmitted)first);
            var view = (CertificationFileView)Project(typeof(CertificationFileViewProjection), null, first, 1)!;
            var publicCertificate = (PublicCertificate)Project(typeof(PublicCertificateProjection), null, first, 1)!;
            steps.Add(nameof(ApplicationSubmitted));
            for (var version = 2; version < 40 && Next(file, random, at = at.AddDays(random.Next(1, 30))) is { } facts; )
            {
                foreach (var fact in facts)
                {
                    steps.Add(fact.GetType().Name);
                    file = Evolve(file, fact);
                    view = (CertificationFileView)(Project(typeof(CertificationFileViewProjection), view, fact, version) ?? view);
                    publicCertificate = (PublicCertificate)(Project(typeof(PublicCertificateProjection), publicCertificate, fact, version) ?? publicCertificate);
                    version++;

                    var where = $"seed {seed}, history {history}: {string.Join(" → ", steps)}";
                    Assert.True(file.Status == view.Status, $"write model {file.Status}, file view {view.Status} after {where}");
                    Assert.True(FileStatus.IsEvaluating(file.Status) ? FileStatus.IsEvaluating(publicCertificate.Status) : file.Status == publicCertificate.Status,
                        $"write model {file.Status}, public certificate {publicCertificate.Status} after {where}");

                    // What a verifier is told at that instant, as known then, is what the file's status means for a label.
                    var told = OvopQuality.Api.Labels.Verifying.CertificateStanding.At(publicCertificate, at, at).Status;
                    Assert.True(Means(file, at) == told, $"write model {file.Status} means {Means(file, at)}, a verifier is told {told} at {at:u} after {where}");
                }
            }
        }
    }

    /// <summary>What a label of the file verifies as, by the write model's status and the certificate's validity.</summary>
    private static OvopQuality.Api.Labels.Verifying.LabelStatus Means(CertificationFile file, DateTimeOffset at)
    {
        if (file.Certificate is not { } certificate)
        {
            return OvopQuality.Api.Labels.Verifying.LabelStatus.Unknown;
        }

        var expired = at >= LifecycleSettings.ExpiresAt(certificate.ValidUntil);
        return file.Status switch
        {
            CertificationStatus.Certified or CertificationStatus.InspectionScheduled or CertificationStatus.Inspected when expired => OvopQuality.Api.Labels.Verifying.LabelStatus.Expired,
            CertificationStatus.Suspended when expired => OvopQuality.Api.Labels.Verifying.LabelStatus.Expired,
            CertificationStatus.Certified or CertificationStatus.InspectionScheduled or CertificationStatus.Inspected => OvopQuality.Api.Labels.Verifying.LabelStatus.Valid,
            CertificationStatus.Suspended => OvopQuality.Api.Labels.Verifying.LabelStatus.Suspended,
            CertificationStatus.Withdrawn or CertificationStatus.Surrendered => OvopQuality.Api.Labels.Verifying.LabelStatus.Withdrawn,
            CertificationStatus.Expired => OvopQuality.Api.Labels.Verifying.LabelStatus.Expired,
            CertificationStatus.Superseded => OvopQuality.Api.Labels.Verifying.LabelStatus.Superseded,
            _ => OvopQuality.Api.Labels.Verifying.LabelStatus.Unknown,
        };
    }

    /// <summary>What may happen next to a file in its state, as the commands allow it; null when its life is over.</summary>
    private static object[]? Next(CertificationFile file, Random random, DateTimeOffset at)
    {
        var id = file.Id;
        var pending = file.Inspections.FirstOrDefault(i => i.Outcome is null);
        object Recorded(Inspection i) => new InspectionRecorded(id, i.Id, i.InspectorId, DateOnly.FromDateTime(at.UtcDateTime), [], [], 80, 100, 80, [], at);
        object Scheduled() => new InspectionScheduled(id, Guid.NewGuid(), "inspector-" + random.Next(3), DateOnly.FromDateTime(at.UtcDateTime), at, "admin");
        object[] Appeal(AppealableDecision against, object? reversal)
        {
            var appeal = Guid.NewGuid();
            var upheld = reversal is not null && random.Next(2) == 0;
            return upheld
                ? [new AppealLodged(id, appeal, against, "officer-a", "Grounds", "producer", at), new AppealDecided(id, appeal, against, true, "Upheld", "officer-b", at), reversal!]
                : [new AppealLodged(id, appeal, against, "officer-a", "Grounds", "producer", at), new AppealDecided(id, appeal, against, false, "Dismissed", "officer-b", at)];
        }

        var granted = DateOnly.FromDateTime(at.UtcDateTime);
        Func<object[]>[] choices = file.Status switch
        {
            CertificationStatus.Applied => [() => [Scheduled()]],
            CertificationStatus.InspectionScheduled => [() => [Recorded(pending!)], () => [Scheduled()]],
            CertificationStatus.Inspected =>
            [
                () => [new StandardMet(id, "TJ-OVOP-2026-000001", 4, 80, "Scope", 500, granted, granted.AddMonths(36).AddDays(-1), "OVOP-DF", 1, "officer-b", at)],
                () => [new CertificationRefused(id, ["No"], "officer-b", at)],
                () => [Scheduled()],
            ],
            CertificationStatus.Refused => [() => Appeal(AppealableDecision.Refusal, new RefusalOverturned(id, Guid.NewGuid(), at))],
            CertificationStatus.Certified =>
            [
                () => [new CertificateSuspended(id, Guid.NewGuid(), ReasonClass.SurveillanceFailed, "Moisture", at, at.AddDays(183), "officer-b", at)],
                () => [new CertificateWithdrawn(id, ReasonClass.MisuseOfLabels, "Misuse", at, "officer-b", at)],
                () => [new CertificateSurrendered(id, "Stops", at, "producer", at)],
                () => [new CertificateExpired(id, at, at)],
                () => [new ScopeChanged(id, "Scope", 400, "Asked", at, "officer-b", at)],
                () => [new SurveillanceFellDue(id, 1, DateOnly.FromDateTime(at.UtcDateTime), at)],
                () => [new LabelsIssued(id, Guid.NewGuid(), "LOT", 1, ["0000000000000000"], at, "producer")],
                () => [Scheduled()],
                () => [new CertificateSuperseded(id, Guid.NewGuid(), "TJ-OVOP-2027-000002", at, at)],
            ],
            CertificationStatus.Suspended =>
            [
                () => [new CertificateReinstated(id, file.Suspension!.Id, "Cleared", at, "officer-b", at)],
                () => [new CertificateWithdrawn(id, ReasonClass.SuspensionCapReached, "Cap", at, "system", at)],
                () => Appeal(AppealableDecision.Suspension, new CertificateReinstated(id, file.Suspension!.Id, "Appeal upheld", at, "officer-c", at)),
                () => [new CertificateExpired(id, at, at)],
            ],
            CertificationStatus.Withdrawn => [() => Appeal(AppealableDecision.Withdrawal, new WithdrawalOverturned(id, Guid.NewGuid(), at, at))],
            _ => [],
        };
        return choices.Length == 0 || random.Next(12) == 0 ? null : choices[random.Next(choices.Length)]();
    }

    private static CertificationFile Evolve(CertificationFile file, object fact)
    {
        var apply = typeof(CertificationFile).GetMethod("Apply", [fact.GetType()]);
        return apply is null ? file : (CertificationFile)apply.Invoke(file, [fact])!;
    }

    /// <summary>Applies a fact as the projection does: its Create or Apply method for the event, given the event or its envelope.</summary>
    private static object? Project(Type projection, object? document, object fact, long version)
    {
        var envelope = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(fact.GetType()), fact)!;
        envelope.Version = version;
        envelope.Timestamp = Start;
        var method = projection.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == (document is null ? "Create" : "Apply"))
            .FirstOrDefault(m => m.GetParameters()[0].ParameterType == fact.GetType() || m.GetParameters()[0].ParameterType == envelope.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEvent<>)));
        if (method is null)
        {
            return null;
        }

        var first = method.GetParameters()[0].ParameterType == fact.GetType() ? fact : envelope;
        return method.Invoke(null, method.GetParameters().Length == 1 ? [first] : [first, document]);
    }
}
