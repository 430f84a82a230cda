using System.Net;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

public class LabelTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task No_labels_for_a_file_that_is_not_certified()
    {
        var fileId = await AnInspectedFile();

        (await IssueLabels(fileId, 3, 10)).IsProblem(HttpStatusCode.Conflict, "not-certified");
    }

    [Fact]
    public async Task Labels_never_exceed_the_certified_volume_in_total()
    {
        var fileId = await ACertifiedFile(certifiedUnits: 500);
        (await IssueLabels(fileId, 4, 300)).Is(HttpStatusCode.Created);
        (await IssueLabels(fileId, 5, 200)).Is(HttpStatusCode.Created);

        var reply = (await IssueLabels(fileId, 6, 1)).IsProblem(HttpStatusCode.Conflict, "certified-volume-exceeded");

        Assert.Contains("0 left of the 500", reply.Body, StringComparison.Ordinal);
        Assert.Equal(500, (await File(fileId))["labelsIssued"]!.GetValue<int>());
    }

    [Fact]
    public async Task After_its_validity_a_certificate_issues_no_labels_and_its_labels_verify_as_expired()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Is(HttpStatusCode.Created).Json["codes"]![0]!.GetValue<string>();

        App.Clock.Advance(TimeSpan.FromDays(3 * 366));

        (await IssueLabels(fileId, 5, 1)).IsProblem(HttpStatusCode.Conflict, "certificate-not-valid");
        var label = (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("expired", label["status"]!.GetValue<string>());
        Assert.Contains("expired after 2029-03-01", label["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_mistyped_code_is_a_404_problem_that_says_which()
    {
        var unknown = (await GetAnonymously("/api/labels/0000-0000-0000-0000-0")).IsProblem(HttpStatusCode.NotFound, "label-not-found");
        Assert.Contains("never issued", unknown.Body, StringComparison.Ordinal);

        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var typo = code[..3] + (code[3] == 'A' ? 'B' : 'A') + code[4..];
        var mistyped = (await GetAnonymously($"/api/labels/{typo}")).IsProblem(HttpStatusCode.NotFound, "label-not-found");
        Assert.Contains("check character", mistyped.Body, StringComparison.Ordinal);

        (await GetAnonymously("/api/labels/not-a-code")).IsProblem(HttpStatusCode.NotFound, "label-not-found");
    }

    [Fact]
    public async Task A_code_typed_in_lower_case_with_hyphens_verifies()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var typed = string.Join('-', code.Chunk(4).Select(c => new string(c))).ToLowerInvariant();

        var label = (await GetAnonymously($"/api/labels/{typed}")).Is(HttpStatusCode.OK).Json;

        Assert.Equal(code, label["code"]!.GetValue<string>());
        Assert.Equal("valid", label["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_batch_is_listed_with_its_codes_for_printing()
    {
        var fileId = await ACertifiedFile();
        var issued = (await IssueLabels(fileId, 4, 12, lot: "LOT-PRINT")).Is(HttpStatusCode.Created);

        var batch = (await Get(issued.Location!)).Is(HttpStatusCode.OK).Json;

        Assert.Equal("LOT-PRINT", batch["lot"]!.GetValue<string>());
        Assert.Equal(12, batch["codes"]!.AsArray().Count);
        (await Get($"/api/certifications/{fileId}/labels/{Guid.NewGuid()}")).IsProblem(HttpStatusCode.NotFound, "label-batch-not-found");
    }

    [Fact]
    public async Task A_batch_size_outside_the_limits_is_refused_naming_the_field()
    {
        var fileId = await ACertifiedFile();

        (await IssueLabels(fileId, 4, 0)).IsInvalid("quantity");
        (await IssueLabels(fileId, 4, 1_000_001)).IsInvalid("quantity");
    }
}
