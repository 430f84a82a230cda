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
/// file view, the file summary and the public certificate, as their projections apply them: the
/// status and each finding's state they give agree at every step, and so does what a verifier is told
/// at each instant, as known then. Suspensions, withdrawals and surrenders are back-dated at random;
/// afterwards, the finished certificate answers every (at, knownAt) pair as the certificate did when
/// that was all it knew, and answers each past step's instant, as known today, as it was told then.
/// A fixed seed, and a changing one (OVOP_PROBE_SEED, printed by test.sh).
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
    public void The_write_model_the_file_view_the_summary_and_the_public_certificate_agree_on_the_status_at_every_step(int seed)
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
            var summary = (FileSummary)Project(typeof(FileSummaryProjection), null, first, 1)!;
            var publicCertificate = (PublicCertificate)Project(typeof(PublicCertificateProjection), null, first, 1)!;
            steps.Add(nameof(ApplicationSubmitted));
            var known = new List<(DateTimeOffset KnownAt, PublicCertificate Certificate, OvopQuality.Api.Labels.Verifying.LabelStatus Told)>();
            var previous = at;
            for (var version = 2; version < 40 && Next(file, random, previous, at = at.AddDays(random.Next(1, 30))) is { } facts; previous = at)
            {
                foreach (var fact in facts)
                {
                    steps.Add(fact.GetType().Name);
                    file = Evolve(file, fact);
                    view = (CertificationFileView)(Project(typeof(CertificationFileViewProjection), view, fact, version) ?? view);
                    summary = (FileSummary)(Project(typeof(FileSummaryProjection), summary, fact, version) ?? summary);
                    publicCertificate = (PublicCertificate)(Project(typeof(PublicCertificateProjection), publicCertificate, fact, version) ?? publicCertificate);
                    version++;

                    var where = $"seed {seed}, history {history}: {string.Join(" → ", steps)}";
                    Assert.True(file.Status == view.Status, $"write model {file.Status}, file view {view.Status} after {where}");
                    Assert.True(file.Status == summary.Status, $"write model {file.Status}, file summary {summary.Status} after {where}");
                    Assert.True(file.Certificate?.ValidUntil == summary.ValidUntil && file.Certificate?.ValidUntil == publicCertificate.ValidUntil,
                        $"validity: write model {file.Certificate?.ValidUntil}, summary {summary.ValidUntil}, public {publicCertificate.ValidUntil} after {where}");
                    Assert.True(file.SurveillanceDueOn == summary.SurveillanceDueOn, $"surveillance due: write model {file.SurveillanceDueOn}, summary {summary.SurveillanceDueOn} after {where}");
                    Assert.True(summary.NextSurveillanceOn == view.NextSurveillanceOn, $"next surveillance: summary {summary.NextSurveillanceOn}, file view {view.NextSurveillanceOn} after {where}");
                    var findings = string.Join(",", file.Findings.Select(f => $"{f.Id}:{f.State}"));
                    var shown = string.Join(",", (view.Findings ?? []).Select(f => $"{f.Id}:{f.State}"));
                    Assert.True(findings == shown, $"findings: write model [{findings}], file view [{shown}] after {where}");
                    Assert.True(FileStatus.IsEvaluating(file.Status) ? FileStatus.IsEvaluating(publicCertificate.Status) : file.Status == publicCertificate.Status,
                        $"write model {file.Status}, public certificate {publicCertificate.Status} after {where}");

                    // What a verifier is told at that instant, as known then, is what the file's status means for a label.
                    var told = OvopQuality.Api.Labels.Verifying.CertificateStanding.At(publicCertificate, at, at).Status;
                    Assert.True(Means(file, at) == told, $"write model {file.Status} means {Means(file, at)}, a verifier is told {told} at {at:u} after {where}");
                }

                known.Add((at, publicCertificate, OvopQuality.Api.Labels.Verifying.CertificateStanding.At(publicCertificate, at, at).Status));
            }

            // Any instant, as known at any step: the finished certificate answers as it did then.
            var end = at.AddDays(30);
            foreach (var (knownAt, then, told) in known)
            {
                for (var probe = 0; probe < 4; probe++)
                {
                    var instant = Start.AddMinutes(random.NextDouble() * (end - Start).TotalMinutes);
                    var now = OvopQuality.Api.Labels.Verifying.CertificateStanding.At(publicCertificate, instant, knownAt);
                    var before = OvopQuality.Api.Labels.Verifying.CertificateStanding.At(then, instant, knownAt);
                    Assert.True(now == before, $"at {instant:u} as known at {knownAt:u}: {before} then, {now} now; seed {seed}, history {history}: {string.Join(" → ", steps)}");
                }

                // Back-dating reaches no further back than the step before, so what was told at a step stays true as known today.
                var today = OvopQuality.Api.Labels.Verifying.CertificateStanding.At(publicCertificate, knownAt, end).Status;
                Assert.True(today == told, $"at {knownAt:u}: told {told} then, {today} as known today; seed {seed}, history {history}: {string.Join(" → ", steps)}");
            }
        }
    }

    [Fact]
    public void Every_fact_of_a_file_is_registered_and_reaches_every_model_of_the_file()
    {
        var facts = typeof(IFileEvent).Assembly.GetTypes().Where(t => t.IsClass && typeof(IFileEvent).IsAssignableFrom(t)).ToHashSet();
        Assert.Equal(facts.OrderBy(t => t.Name), CertificationFileEvents.All.OrderBy(t => t.Name));
        Assert.Equal(28, facts.Count);

        // The page shows every fact as a step, and the summary's catch-all keeps its version the stream's.
        foreach (var fact in facts.Where(t => t != typeof(ApplicationSubmitted)))
        {
            Assert.True(typeof(CertificationFileViewProjection).GetMethods().Any(m => m.Name == "Apply" && m.GetParameters()[0].ParameterType is var p && (p == fact || p == typeof(IEvent<>).MakeGenericType(fact))),
                $"the file view has no Apply for {fact.Name}");
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
    private static object[]? Next(CertificationFile file, Random random, DateTimeOffset previous, DateTimeOffset at)
    {
        var id = file.Id;
        // A decision may take effect from any instant after the previous step: a back-dated suspension, withdrawal or surrender.
        var effective = random.Next(3) == 0 ? at : previous.AddSeconds(1 + random.NextDouble() * ((at - previous).TotalSeconds - 1));
        var open = file.Findings.FirstOrDefault(f => f.State == OvopQuality.Api.Certification.Findings.FindingState.Open);
        var submitted = file.Findings.FirstOrDefault(f => f.State == OvopQuality.Api.Certification.Findings.FindingState.ActionSubmitted);
        Func<object[]>[] findingChoices =
        [
            () => [new FindingRaised(id, new Finding(Guid.NewGuid(), "DF-1", FindingSeverity.Minor, "Labels", DateOnly.FromDateTime(at.UtcDateTime).AddDays(30)), "laboratory", at)],
            .. open is null ? Array.Empty<Func<object[]>>() : [() => [new CorrectiveActionSubmitted(id, open.Id, Guid.NewGuid(), "Fixed", [], "producer", at)]],
            .. submitted is null ? Array.Empty<Func<object[]>>() :
            [
                () => [new CorrectiveActionAccepted(id, submitted.Id, submitted.PendingAction!.Value, "inspector-0", at)],
                () => [new CorrectiveActionRejected(id, submitted.Id, submitted.PendingAction!.Value, "Not enough", "inspector-0", at)],
            ],
        ];
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
            CertificationStatus.InspectionScheduled => [() => [Recorded(pending!)], () => [Scheduled()], .. findingChoices],
            CertificationStatus.Inspected =>
            [
                () => [new StandardMet(id, "TJ-OVOP-2026-000001", 4, 80, "Scope", 500, granted, granted.AddMonths(36).AddDays(-1), "OVOP-DF", 1, "officer-b", at, SurveillanceSchedule: [granted.AddMonths(12), granted.AddMonths(24)])],
                () => [new CertificationRefused(id, ["No"], "officer-b", at)],
                () => [Scheduled()],
                .. findingChoices,
            ],
            CertificationStatus.Refused => [() => Appeal(AppealableDecision.Refusal, new RefusalOverturned(id, Guid.NewGuid(), at))],
            CertificationStatus.Certified =>
            [
                () => [new CertificateSuspended(id, Guid.NewGuid(), ReasonClass.SurveillanceFailed, "Moisture", effective, effective.AddDays(183), "officer-b", at)],
                () => [new CertificateWithdrawn(id, ReasonClass.MisuseOfLabels, "Misuse", effective, "officer-b", at)],
                () => [new CertificateSurrendered(id, "Stops", effective, "producer", at)],
                () => [new CertificateExpired(id, at, at)],
                () => [new ScopeChanged(id, "Scope", 400, "Asked", at, "officer-b", at)],
                () => [new SurveillanceFellDue(id, 1, DateOnly.FromDateTime(at.UtcDateTime), at)],
                () => [new LabelsIssued(id, Guid.NewGuid(), "LOT", 1, ["0000000000000000"], at, "producer")],
                () => [Scheduled()],
                .. findingChoices,
                () => [new CertificateSuperseded(id, Guid.NewGuid(), "TJ-OVOP-2027-000002", at, at)],
            ],
            CertificationStatus.Suspended =>
            [
                () => [new CertificateReinstated(id, file.Suspension!.Id, "Cleared", effective, "officer-b", at)],
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
            .OrderBy(m => m.GetParameters()[0].ParameterType.IsInterface && m.GetParameters()[0].ParameterType != typeof(IEvent<>).MakeGenericType(fact.GetType()) ? 1 : 0)
            .FirstOrDefault(m => m.GetParameters()[0].ParameterType.IsInstanceOfType(fact) || m.GetParameters()[0].ParameterType == envelope.GetType().GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEvent<>)));
        if (method is null)
        {
            return null;
        }

        var first = method.GetParameters()[0].ParameterType.IsInstanceOfType(fact) ? fact : envelope;
        return method.Invoke(null, method.GetParameters().Length == 1 ? [first] : [first, document]);
    }
}
