using OvopQuality.Api.Certification;
using OvopQuality.Api.Certification.Inspecting;
using OvopQuality.Api.Standards;
using OvopQuality.Api.Standards.Seeding;

namespace OvopQuality.Tests.Domain;

public class ScoringTests
{
    private static readonly StandardVersion DriedFruit = PublishedSeed("OVOP-DF");

    private static StandardVersion PublishedSeed(string code)
    {
        var definition = SeedStandards.Catalogue.Single(s => s.Code == code).Definition;
        return Api.Standards.Publishing.PublishStandardVersionEndpoint.Publish(code, null, definition, DateTimeOffset.UnixEpoch).Standard;
    }

    private static List<RequirementResult> AllPassedExcept(params (string Code, RequirementOutcome Outcome)[] exceptions) =>
        [.. DriedFruit.Requirements.Select(r => new RequirementResult(r.Code, exceptions.FirstOrDefault(e => e.Code == r.Code).Code is null ? RequirementOutcome.Passed : exceptions.First(e => e.Code == r.Code).Outcome))];

    [Fact]
    public void Every_requirement_passed_scores_one_hundred_percent()
    {
        var score = Scoring.Score(DriedFruit, AllPassedExcept());

        Assert.Equal(100, score.Percent);
        Assert.Equal(100, score.MaxPoints);
        Assert.Empty(score.FailedMandatoryRequirements);
    }

    [Fact]
    public void A_requirement_that_does_not_apply_leaves_the_maximum_and_the_score_is_rounded_down()
    {
        // DF-M2 (10 points) failed, DF-M3 (5 points) does not apply: 85 of 95 points = 89.47 %.
        var score = Scoring.Score(DriedFruit, AllPassedExcept(("DF-M2", RequirementOutcome.Failed), ("DF-M3", RequirementOutcome.NotApplicable)));

        Assert.Equal(85, score.Points);
        Assert.Equal(95, score.MaxPoints);
        Assert.Equal(89, score.Percent);
    }

    [Fact]
    public void A_failed_mandatory_requirement_is_named()
    {
        var score = Scoring.Score(DriedFruit, AllPassedExcept(("DF-Q1", RequirementOutcome.Failed), ("DF-C1", RequirementOutcome.Failed)));

        Assert.Equal(["DF-Q1"], score.FailedMandatoryRequirements);
    }

    [Theory]
    [InlineData(29, 0)]
    [InlineData(30, 1)]
    [InlineData(49, 1)]
    [InlineData(50, 2)]
    [InlineData(70, 3)]
    [InlineData(89, 4)]
    [InlineData(90, 5)]
    [InlineData(100, 5)]
    public void Stars_follow_from_the_score_and_the_thresholds_of_the_standard(int percent, int stars) =>
        Assert.Equal(stars, DriedFruit.Stars.StarsFor(percent));

    [Fact]
    public void Results_must_answer_each_requirement_exactly_once_and_never_set_a_mandatory_one_aside()
    {
        List<RequirementResult> results =
        [
            .. AllPassedExcept(("DF-Q1", RequirementOutcome.NotApplicable)).Where(r => r.RequirementCode != "DF-C2"),
            new("DF-C1", RequirementOutcome.Passed),
            new("XX-99", RequirementOutcome.Passed),
        ];

        var errors = string.Join(" | ", Scoring.Completeness(DriedFruit, results)["results"]);

        Assert.Contains("no result for requirement(s): DF-C2", errors, StringComparison.Ordinal);
        Assert.Contains("not in OVOP-DF v1: XX-99", errors, StringComparison.Ordinal);
        Assert.Contains("more than one result for requirement(s): DF-C1", errors, StringComparison.Ordinal);
        Assert.Contains("cannot be not applicable: DF-Q1", errors, StringComparison.Ordinal);
    }
}
