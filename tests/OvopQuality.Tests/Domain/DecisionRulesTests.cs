using Microsoft.AspNetCore.Mvc;
using OvopQuality.Api.Access;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Certification.Deciding;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;
using OvopQuality.Api.Standards.Publishing;
using OvopQuality.Api.Standards.Seeding;
using Wolverine.Http;

namespace OvopQuality.Tests.Domain;

/// <summary>The rules as pure functions of the file's state: no database, no HTTP.</summary>
public class DecisionRulesTests
{
    private static readonly StandardVersion DriedFruit =
        PublishStandardVersionEndpoint.Publish("OVOP-DF", null, SeedStandards.Catalogue[0].Definition, DateTimeOffset.UnixEpoch).Standard;

    private static readonly DateTimeOffset Now = new(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly Actor Officer = new("off-b", "Officer B", Roles.CertificationOfficer, null);

    private static CertificationFile File(CertificationStatus status, params Inspection[] inspections) =>
        new(Guid.NewGuid(), Guid.NewGuid(), "TJ-P-000001", Guid.NewGuid(), DriedFruit, new DeclaredVolume(1000, "pack"), status, inspections, null, 0)
        {
            Version = 3,
            Participants = [.. inspections.Select(i => new Participant(i.InspectorId, Involvement.Inspected))],
        };

    private static Inspection Recorded(string inspector, int score = 85, params string[] failedMandatory) =>
        new(Guid.NewGuid(), inspector, new DateOnly(2026, 5, 1), new InspectionOutcome(new DateOnly(2026, 5, 1), score, failedMandatory));

    private static Inspection Pending(string inspector) => new(Guid.NewGuid(), inspector, new DateOnly(2026, 6, 5), null);

    private static string? Rule(ProblemDetails problem) =>
        ReferenceEquals(problem, WolverineContinue.NoProblems) ? null : problem.Type![Problems.TypeBase.Length..];

    public static TheoryData<string, CertificationFile, string, long, string?> Decisions => new()
    {
        { "an inspected file decided by an officer who did not inspect it", File(CertificationStatus.Inspected, Recorded("ins-a")), "off-b", 3, null },
        { "a stale version", File(CertificationStatus.Inspected, Recorded("ins-a")), "off-b", 2, "stale-version" },
        { "a file with no inspection", File(CertificationStatus.Applied), "off-b", 3, "no-inspection-recorded" },
        { "a file whose only inspection is still scheduled", File(CertificationStatus.InspectionScheduled, Pending("ins-a")), "off-b", 3, "no-inspection-recorded" },
        { "a file with a second inspection still scheduled", File(CertificationStatus.InspectionScheduled, Recorded("ins-a"), Pending("ins-c")), "off-b", 3, "inspection-pending" },
        { "the inspector deciding their own file", File(CertificationStatus.Inspected, Recorded("ins-a")), "INS-A", 3, "officer-not-impartial" },
        { "a file already certified", File(CertificationStatus.Certified, Recorded("ins-a")), "off-b", 3, "file-already-decided" },
        { "a file already refused", File(CertificationStatus.Refused, Recorded("ins-a")), "off-b", 3, "file-already-decided" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void Who_may_decide_what(string situation, CertificationFile file, string officer, long expectedVersion, string? refusedBy)
    {
        Assert.True(refusedBy == Rule(DecisionRules.CanDecide(file, expectedVersion, officer, BodyDecision.Grant)), situation);
    }

    [Theory]
    [InlineData(85, new string[0], null)]
    [InlineData(95, new[] { "DF-Q1" }, "mandatory-requirement-failed")]
    [InlineData(25, new string[0], "score-below-one-star")]
    public void Standard_met_needs_every_mandatory_requirement_and_at_least_one_star(int score, string[] failedMandatory, string? refusedBy)
    {
        var file = File(CertificationStatus.Inspected, Recorded("ins-a", score, failedMandatory));

        Assert.Equal(refusedBy, Rule(DecideStandardMetEndpoint.Before(new DecideStandardMet(3, "scope"), file, Officer, new Support.TestClock(Now)).Item1));
    }

    [Fact]
    public void A_grant_is_valid_for_the_months_of_the_standard_from_the_day_of_decision_with_stars_from_the_score()
    {
        var file = File(CertificationStatus.Inspected, Recorded("ins-a", 91));

        var met = DecideStandardMetEndpoint.Grant(new DecideStandardMet(3, "Dried apricots"), file, new GrantBasis(file.LatestRecordedInspection!.Outcome!), "off-b", "TJ-OVOP-2026-000042", Now);

        Assert.Equal(5, met.Stars);
        Assert.Equal(new DateOnly(2026, 6, 1), met.ValidFrom);
        Assert.Equal(new DateOnly(2029, 5, 31), met.ValidUntil);
        Assert.Equal(3000, met.CertifiedUnits);
        Assert.Equal(("OVOP-DF", 1), (met.StandardCode, met.StandardVersion));
    }

    public static TheoryData<string, CertificationStatus, int, int, DateTimeOffset, string?> LabelRequests => new()
    {
        { "within validity and volume", CertificationStatus.Certified, 900, 100, Now, null },
        { "exactly the volume left", CertificationStatus.Certified, 900, 2100, Now, null },
        { "one more than the volume left", CertificationStatus.Certified, 900, 2101, Now, "certified-volume-exceeded" },
        { "after the validity", CertificationStatus.Certified, 0, 1, Now.AddYears(4), "certificate-not-valid" },
        { "not certified", CertificationStatus.Inspected, 0, 1, Now, "not-certified" },
        { "refused", CertificationStatus.Refused, 0, 1, Now, "not-certified" },
    };

    [Theory]
    [MemberData(nameof(LabelRequests))]
    public void Labels_only_while_certified_within_validity_and_volume(string situation, CertificationStatus status, int alreadyIssued, int quantity, DateTimeOffset at, string? refusedBy)
    {
        var certificate = status == CertificationStatus.Certified ? new Certificate("TJ-OVOP-2026-000001", 4, new DateOnly(2026, 6, 1), new DateOnly(2029, 5, 31), 3000) : null;
        var file = File(status, Recorded("ins-a")) with { Certificate = certificate, LabelsIssued = alreadyIssued };

        var problem = IssueLabelsEndpoint.Before(new IssueLabels(3, "LOT-1", quantity), file, new Actor("producer-1", Roles.Producer, Roles.Producer, file.ProducerNumber), new Support.TestClock(at));

        Assert.True(refusedBy == Rule(problem), situation);
    }

    private static PublicCertificate Granted(params TimelineEntry[] later) =>
        new(Guid.NewGuid(), CertificationStatus.Certified, "TJ-OVOP-2026-000001", "TJ-P-000001",
            new LocalizedText("a", "b", "c"), Region.Sughd, new LocalizedText("a", "b", "c"), ProductCategory.DriedFruit, "OVOP-DF", 1,
            new LocalizedText("a", "b", "c"), 4, new DateOnly(2026, 6, 1), new DateOnly(2029, 5, 31),
            [new TimelineEntry(TimelineEvent.Granted, null, At("2026-06-01T10:00"), At("2026-06-01T10:00"), 4), .. later]);

    private static DateTimeOffset At(string instant) =>
        DateTimeOffset.Parse(instant + "Z", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);

    [Theory]
    [InlineData("2026-06-01T12:00", LabelStatus.Valid)]
    // Validity days are days in Asia/Dushanbe (UTC+5): the last one closes at 19:00 UTC.
    [InlineData("2029-05-31T18:59", LabelStatus.Valid)]
    [InlineData("2029-05-31T19:00", LabelStatus.Expired)]
    [InlineData("2026-05-31T12:00", LabelStatus.Unknown)]
    public void A_certificate_stands_by_its_validity_at_the_instant(string at, LabelStatus expected) =>
        Assert.Equal(expected, CertificateStanding.At(Granted(), At(at), At("2030-01-01T00:00")).Status);

    public static TheoryData<string, string, LabelStatus> BackDated => new()
    {
        { "2026-07-05T00:00", "2026-07-20T00:00", LabelStatus.Suspended },
        { "2026-07-05T00:00", "2026-07-05T00:00", LabelStatus.Valid },
        { "2026-07-09T00:00", "2026-07-20T00:00", LabelStatus.Suspended },
        { "2026-07-02T00:00", "2026-07-20T00:00", LabelStatus.Valid },
        { "2026-08-02T00:00", "2026-08-20T00:00", LabelStatus.Valid },
        { "2026-08-02T00:00", "2026-07-20T00:00", LabelStatus.Suspended },
        { "2029-06-02T00:00", "2029-06-02T00:00", LabelStatus.Expired },
    };

    /// <summary>Suspended from 3 July (recorded 10 July), reinstated from 1 August (recorded 15 August).</summary>
    [Theory]
    [MemberData(nameof(BackDated))]
    public void Back_dated_facts_count_from_when_they_took_effect_but_only_once_recorded(string at, string knownAt, LabelStatus expected)
    {
        var certificate = Granted(
            new TimelineEntry(TimelineEvent.Suspended, ReasonClass.SurveillanceFailed, At("2026-07-03T00:00"), At("2026-07-10T00:00"), 5),
            new TimelineEntry(TimelineEvent.Reinstated, null, At("2026-08-01T00:00"), At("2026-08-15T00:00"), 6));

        Assert.Equal(expected, CertificateStanding.At(certificate, At(at), At(knownAt)).Status);
    }

    [Fact]
    public void Numbers_are_formatted_for_people()
    {
        Assert.Equal("TJ-OVOP-2026-000123", Identifiers.FormatCertificateNumber(2026, 123));
        Assert.Equal("TJ-P-004521", Identifiers.FormatProducerNumber(4521));
    }

    [Fact]
    public void A_standard_is_one_stream_whatever_the_case_of_its_code() =>
        Assert.Equal(Standard.StreamIdFor("OVOP-DF"), Standard.StreamIdFor("ovop-df"));

    [Fact]
    public void A_standard_version_needs_rising_thresholds_and_distinct_requirement_codes()
    {
        var seed = SeedStandards.Catalogue[0].Definition;
        var broken = seed with
        {
            Stars = new StarThresholds(30, 50, 50, 80, 90),
            Requirements = [.. seed.Requirements, seed.Requirements[0]],
        };

        var problem = Assert.IsType<ValidationProblemDetails>(PublishStandardVersionEndpoint.Validate("OVOP-DF", broken));

        Assert.Contains("stars", problem.Errors.Keys);
        Assert.Contains("duplicate codes: DF-C1", problem.Errors["requirements"][0], StringComparison.Ordinal);
    }
}
