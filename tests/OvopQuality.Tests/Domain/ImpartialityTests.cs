using Microsoft.AspNetCore.Mvc;
using OvopQuality.Api.Access;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Appeals;
using OvopQuality.Api.Certification.Deciding;
using OvopQuality.Api.Certification.Findings;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Certification.Sampling;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;
using OvopQuality.Api.Standards.Publishing;
using OvopQuality.Api.Standards.Seeding;
using OvopQuality.Tests.Support;
using Wolverine.Http;

namespace OvopQuality.Tests.Domain;

/// <summary>
/// One impartiality rule for every decision of the body: each decision command, taken by someone
/// who took part in the file in each way there is, as pure functions of the file's state.
/// </summary>
public class ImpartialityTests
{
    private static readonly StandardVersion DriedFruit =
        PublishStandardVersionEndpoint.Publish("OVOP-DF", null, SeedStandards.Catalogue[0].Definition, DateTimeOffset.UnixEpoch).Standard;

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TestClock Clock = new(Now);
    private const string Neutral = "officer-neutral";
    private const string Decider = "officer-who-decided";
    private static readonly Guid AppealId = Guid.NewGuid();

    private static readonly Inspection Recorded =
        new(Guid.NewGuid(), "inspector-a", new DateOnly(2026, 5, 1), new InspectionOutcome(new DateOnly(2026, 5, 1), 85, []));

    private static CertificationFile Base(CertificationStatus status) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "TJ-P-000001", Guid.NewGuid(), DriedFruit, new DeclaredVolume(1000, "pack"), status, [Recorded], null, 0) { Version = 7 };

    private static readonly Certificate Granted = new("TJ-OVOP-2026-000001", 3, new DateOnly(2026, 5, 2), new DateOnly(2029, 5, 1), 500);

    /// <summary>Each decision with a file in a state where a neutral officer may take it.</summary>
    private static readonly Dictionary<BodyDecision, (CertificationFile File, Func<CertificationFile, Actor, ProblemDetails> Decide)> Decisions = new()
    {
        [BodyDecision.Grant] = (Base(CertificationStatus.Inspected), (f, a) => DecideStandardMetEndpoint.Before(new DecideStandardMet(7, "Dried apricots"), f, a, Clock).Item1),
        [BodyDecision.Refusal] = (Base(CertificationStatus.Inspected), (f, a) => RefuseCertificationEndpoint.Before(new RefuseCertification(7, ["Moisture over the limit"]), f, a)),
        [BodyDecision.Suspension] = (Base(CertificationStatus.Certified) with { Certificate = Granted },
            (f, a) => SuspendCertificateEndpoint.Before(new SuspendCertificate(7, ReasonClass.SurveillanceFailed, "Moisture 21 %"), f, a, Clock).Item1),
        [BodyDecision.Reinstatement] = (Base(CertificationStatus.Suspended) with
            {
                Certificate = Granted,
                Suspension = new Suspension(Guid.NewGuid(), Now.AddDays(-3), Now.AddDays(180)),
                LastAdverse = new AdverseDecision(AppealableDecision.Suspension, Decider, Now.AddDays(-3)),
            },
            (f, a) => ReinstateCertificateEndpoint.Before(new ReinstateCertificate(7, "Cause cleared"), f, a, Clock).Item1),
        [BodyDecision.Withdrawal] = (Base(CertificationStatus.Certified) with { Certificate = Granted },
            (f, a) => WithdrawCertificateEndpoint.Before(new WithdrawCertificate(7, ReasonClass.MisuseOfLabels, "Labels on other produce"), f, a, Clock).Item1),
        [BodyDecision.ScopeChange] = (Base(CertificationStatus.Certified) with { Certificate = Granted },
            (f, a) => ChangeScopeEndpoint.Before(new ChangeScope(7, "Dried apricots, 1 kg packs", "Producer asked", 400), f, a, Clock).Item1),
        [BodyDecision.AppealDecision] = (Base(CertificationStatus.Refused) with
            {
                LastAdverse = new AdverseDecision(AppealableDecision.Refusal, Decider, Now.AddDays(-3)),
                OpenAppeal = AppealId,
            },
            (f, a) => DecideAppealEndpoint.Before(AppealId, new DecideAppeal(7, true, "The score was miscounted"), f, a)),
    };

    public static TheoryData<BodyDecision, Involvement> EveryDecisionByEveryParticipant()
    {
        var data = new TheoryData<BodyDecision, Involvement>();
        foreach (var decision in Decisions.Keys)
        {
            foreach (var involvement in Enum.GetValues<Involvement>())
            {
                data.Add(decision, involvement);
            }
        }

        return data;
    }

    private static string? Rule(ProblemDetails problem) =>
        ReferenceEquals(problem, WolverineContinue.NoProblems) ? null : problem.Type![Problems.TypeBase.Length..];

    [Theory]
    [MemberData(nameof(EveryDecisionByEveryParticipant))]
    public void Whoever_acted_for_the_producer_or_evaluated_never_decides(BodyDecision decision, Involvement involvement)
    {
        var (file, decide) = Decisions[decision];
        var person = "officer-" + involvement.ToString().ToLowerInvariant();
        var withParticipant = file with { Participants = [new Participant(person, involvement)] };

        var barred = involvement is not (Involvement.Scheduled or Involvement.Decided);
        Assert.Equal(barred ? "officer-not-impartial" : null, Rule(decide(withParticipant, Officer(person))));
        Assert.Null(Rule(decide(withParticipant, Officer(Neutral))));
    }

    [Fact]
    public void The_author_of_the_decision_under_appeal_never_decides_the_appeal_but_may_take_other_decisions()
    {
        var (appealed, decideAppeal) = Decisions[BodyDecision.AppealDecision];
        Assert.Equal("officer-not-impartial", Rule(decideAppeal(appealed, Officer(Decider.ToUpperInvariant()))));

        var (suspended, reinstate) = Decisions[BodyDecision.Reinstatement];
        Assert.Null(Rule(reinstate(suspended with { Participants = [new Participant(Decider, Involvement.Decided)] }, Officer(Decider))));
    }

    [Theory]
    [InlineData(BodyDecision.ComplaintAssignment)]
    [InlineData(BodyDecision.ComplaintResolution)]
    public void A_complaint_goes_to_someone_who_took_no_part_in_the_file_at_all(BodyDecision decision)
    {
        foreach (var involvement in Enum.GetValues<Involvement>())
        {
            var file = Base(CertificationStatus.Certified) with { Participants = [new Participant("staff-x", involvement)] };
            Assert.Equal("handler-not-impartial", Rule(file.Impartial(decision, "Staff-X ")));
            Assert.Null(Rule(file.Impartial(decision, Neutral)));
        }
    }

    /// <summary>Every event that records a person's part in the file adds them with the right involvement.</summary>
    [Fact]
    public void The_file_learns_who_took_part_from_its_events()
    {
        var fileId = Guid.NewGuid();
        var sample = Guid.NewGuid();
        var finding = new Finding(Guid.NewGuid(), "DF-M2", FindingSeverity.Minor, "Origin missing", new DateOnly(2026, 8, 1));
        var file = CertificationFile.Create(new ApplicationSubmitted(fileId, Guid.NewGuid(), "TJ-P-000001",
                new("Т", "Т", "T"), new Address(Region.Sughd, "Isfara", "Chorkuh"), Guid.NewGuid(), new("Т", "Т", "T"), ProductCategory.DriedFruit, DriedFruit,
                new DeclaredVolume(1000, "pack"), new NationalEvidence("N", "T", new DateOnly(2027, 1, 1), "S", new DateOnly(2027, 1, 1)), Now, SubmittedBy: "applied"))
            .Apply(new AdviceRecorded(fileId, "Drying", new DateOnly(2026, 4, 1), "advised", Now))
            .Apply(new InspectionScheduled(fileId, Recorded.Id, "inspected", new DateOnly(2026, 5, 1), Now, "scheduled"))
            .Apply(new SampleTaken(fileId, sample, Now, "Store", "Dry", "sampled", Now))
            .Apply(new SampleSentToLaboratory(fileId, sample, "Lab", "dispatched", Now))
            .Apply(new LabResultsRecorded(fileId, sample, "Lab", "R-1", [], "lab-results", Now))
            .Apply(new FindingRaised(fileId, finding, "inspection", Now))
            .Apply(new CorrectiveActionSubmitted(fileId, finding.Id, Guid.NewGuid(), "Fixed", [], "corrected", Now))
            .Apply(new CorrectiveActionAccepted(fileId, finding.Id, Guid.NewGuid(), "reviewed", Now))
            .Apply(new CertificationRefused(fileId, ["No"], "decided", Now))
            .Apply(new AppealLodged(fileId, AppealId, AppealableDecision.Refusal, "decided", "Wrong", "appealed", Now));

        Assert.Equal(
            [
                ("applied", Involvement.Applied), ("advised", Involvement.Advised), ("inspected", Involvement.Inspected),
                ("scheduled", Involvement.Scheduled), ("sampled", Involvement.Sampled), ("dispatched", Involvement.DispatchedSample),
                ("lab-results", Involvement.RecordedLabResults), ("corrected", Involvement.SubmittedCorrectiveAction),
                ("reviewed", Involvement.ReviewedCorrectiveAction), ("decided", Involvement.Decided), ("appealed", Involvement.LodgedAppeal),
            ],
            file.Participants.Select(p => (p.Person, p.Involvement)));
    }

    private static Actor Officer(string subject) => new(subject, subject, Roles.CertificationOfficer, null);
}
