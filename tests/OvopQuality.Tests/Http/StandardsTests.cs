using System.Net;
using OvopQuality.Api.Standards.Seeding;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class StandardsTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task The_catalogue_ships_with_the_dried_fruit_and_honey_standards()
    {
        var catalogue = (await Get("/api/standards")).Is(HttpStatusCode.OK).Items;

        Assert.Contains(catalogue, s => s!["code"]!.GetValue<string>() == "OVOP-DF");
        Assert.Contains(catalogue, s => s!["code"]!.GetValue<string>() == "OVOP-HN");
        var honey = (await Get("/api/standards/OVOP-HN/versions/1")).Is(HttpStatusCode.OK).Json;
        Assert.Contains(honey["requirements"]!.AsArray(), r => r!["code"]!.GetValue<string>() == "HN-Q2" && r["mandatory"]!.GetValue<bool>());
        Assert.Equal(90, honey["stars"]!["fiveStars"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_new_version_of_a_standard_keeps_the_old_one_and_files_keep_the_version_they_applied_under()
    {
        var code = await ADriedFruitStandardWithThresholds(30, 50, 70, 80, 90);
        var fileId = await AnApplication(standardCode: code);

        var second = (await Post($"/api/standards/{code.ToLowerInvariant()}/versions", SeedStandards.Catalogue[0].Definition)).Is(HttpStatusCode.Created);

        Assert.Equal($"/api/standards/{code}/versions/2", second.Location);
        var standard = (await Get($"/api/standards/{code}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal([1, 2], standard["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
        Assert.Equal(1, (await File(fileId))["standardVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_unknown_standard_or_version_is_a_404_problem()
    {
        (await Get("/api/standards/NOPE-1")).IsProblem(HttpStatusCode.NotFound, "standard-not-found");
        (await Get("/api/standards/OVOP-DF/versions/99")).IsProblem(HttpStatusCode.NotFound, "standard-version-not-found");
    }

    [Fact]
    public async Task A_standard_without_requirements_is_refused_naming_the_field()
    {
        var empty = SeedStandards.Catalogue[0].Definition with { Requirements = [] };

        (await Post("/api/standards/T-EMPTY/versions", empty)).IsInvalid("requirements");
    }
}
