using System.Diagnostics;
using System.Net;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;
using Microsoft.Kiota.Http.HttpClientLibrary;
using OvopQuality.Tests.Client.Generated;
using OvopQuality.Tests.Client.Generated.Models;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// A client generated from the OpenAPI document (Kiota, pinned in .config/dotnet-tools.json) and
/// committed in Client/Generated: it is what the document makes of the API for a client's developer.
/// The tests check that it is generated from the document as it is now, that it compiles (it is
/// part of this project) and that it walks the certification path.
/// </summary>
public class GeneratedClientTests(AppFixture app) : CertificationTest(app)
{
    private static readonly string Committed = Path.Combine(Checks.Root, "tests", "OvopQuality.Tests", "Client", "Generated");

    /// <summary>The officer who registers the producer and schedules the inspection; another (<see cref="CertificationTest.Officer"/>) decides.</summary>
    private const string Registrar = "officer-saidova";

    private static CancellationToken Cancelled => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_generated_client_walks_the_certification_path_from_registration_to_a_label_anyone_can_verify()
    {
        var registrar = ClientAs(OfficerNamed(Registrar));
        var producer = await registrar.Api.Producers.PostAsync(RegisterProducer(NewTaxId()), cancellationToken: Cancelled);
        Assert.NotNull(producer?.Id);
        var producerNumber = producer.Number ?? throw new InvalidOperationException("no producer number");
        Assert.Matches("^TJ-P-[0-9]{6}$", producerNumber);
        Assert.Equal($"/api/producers/{producer.Id}", producer.Url);

        var cooperative = ClientAs(ProducerOf(producerNumber));
        var product = await cooperative.Api.Producers[producer.Id.Value].Products.PostAsync(RegisterApricots(producer.Version), cancellationToken: Cancelled);
        Assert.NotNull(product?.Id);
        Assert.Equal(producerNumber, product.ProducerNumber);

        var file = await cooperative.Api.Certifications.PostAsync(Application(producer.Id.Value, product.Id.Value), cancellationToken: Cancelled);
        Assert.NotNull(file?.Id);
        Assert.Equal($"/api/certifications/{file.Id}", file.Url);
        var fileId = file.Id.Value;

        var scheduled = await registrar.Api.Certifications[fileId].Inspections.PostAsync(
            new ScheduleInspection { ExpectedVersion = file.Version, InspectorId = Inspector, ScheduledFor = DateOf(Today.AddDays(1)) },
            cancellationToken: Cancelled);
        Assert.NotNull(scheduled?.InspectionId);

        var recorded = await ClientAs(InspectorNamed(Inspector)).Api.Certifications[fileId].Inspections[scheduled.InspectionId.Value].Results.PostAsync(
            new RecordInspection
            {
                ExpectedVersion = scheduled.Version,
                TookPlaceOn = DateOf(Today),
                Results =
                [
                    .. new[] { "DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4" }.Select(code => new RequirementResult
                    {
                        RequirementCode = code,
                        Outcome = code switch { "DF-M2" => RequirementOutcome.Failed, "DF-M3" => RequirementOutcome.NotApplicable, _ => RequirementOutcome.Passed },
                    }),
                ],
                Findings = [new NewFinding { RequirementCode = "DF-M2", Severity = FindingSeverity.Minor, Description = "Origin story missing on the back label" }],
            },
            cancellationToken: Cancelled);
        Assert.Equal(89, recorded?.ScorePercent);
        Assert.Equal(4, recorded?.PotentialStars);

        var certificate = await ClientAs(OfficerNamed(Officer)).Api.Certifications[fileId].Decisions.StandardMet.PostAsync(
            new DecideStandardMet { ExpectedVersion = recorded!.Version, Scope = "Dried apricots in 500 g packs" },
            cancellationToken: Cancelled);
        Assert.NotNull(certificate);
        var number = certificate.CertificateNumber;
        Assert.Matches("^TJ-OVOP-2026-[0-9]{6}$", number);
        Assert.Equal(4, certificate.Stars);
        Assert.Equal(new Date(2026, 3, 2), certificate.ValidFrom);
        Assert.Equal(new Date(2029, 3, 1), certificate.ValidUntil);

        var batch = await cooperative.Api.Certifications[fileId].Labels.PostAsync(
            new IssueLabels { ExpectedVersion = certificate.Version, Lot = "LOT-2026-03-A", Quantity = 25 },
            cancellationToken: Cancelled);
        Assert.NotNull(batch);
        Assert.Equal(certificate.Version + 1, batch.Version);
        var codes = batch.Codes ?? throw new InvalidOperationException("no codes");
        Assert.Equal(25, codes.Distinct().Count());

        var label = await ClientAs(null).Api.Labels[codes[7]!].GetAsync(cancellationToken: Cancelled);
        Assert.NotNull(label);
        Assert.Equal(LabelStatus.Valid, label.Status);
        Assert.Equal(number, label.CertificateNumber);
        Assert.Equal(producerNumber, label.ProducerNumber);
        Assert.Equal("Курага", label.ProductName?.Ru);
        Assert.Equal("Isfara Apricot Cooperative", label.ProducerName?.En);
        Assert.Equal("OVOP-DF", label.StandardCode);
        Assert.Equal(4, label.Stars);
        Assert.Equal(new Date(2029, 3, 1), label.ValidUntil);
        Assert.Equal("LOT-2026-03-A", label.Lot);
    }

    [Fact]
    public async Task The_generated_client_pages_a_list_by_its_next_cursor_and_surfaces_a_404_as_its_typed_problem()
    {
        var officer = ClientAs(OfficerNamed(Registrar));
        var producer = await officer.Api.Producers.PostAsync(RegisterProducer(NewTaxId()), cancellationToken: Cancelled);
        var cooperative = ClientAs(ProducerOf(producer!.Number!));
        var products = cooperative.Api.Producers[producer.Id!.Value].Products;
        var apricots = await products.PostAsync(RegisterApricots(producer.Version), cancellationToken: Cancelled);
        var figs = await products.PostAsync(RegisterApricots(apricots!.Version, "Dried figs"), cancellationToken: Cancelled);
        var files = new List<Guid>();
        foreach (var product in new[] { apricots, figs! })
        {
            var file = await cooperative.Api.Certifications.PostAsync(Application(producer.Id.Value, product.Id!.Value), cancellationToken: Cancelled);
            files.Add(file!.Id!.Value);
        }

        var certifications = officer.Api.Producers[producer.Id.Value].Certifications;
        var first = await certifications.GetAsync(c => c.QueryParameters.Limit = 1, Cancelled);
        Assert.Equal(2, first?.Total);
        var next = first!.Next;
        Assert.False(string.IsNullOrEmpty(next), "the first page of two should give a cursor to the next");
        var second = await certifications.GetAsync(c => { c.QueryParameters.Limit = 1; c.QueryParameters.Cursor = next; }, Cancelled);
        Assert.Null(second!.Next);
        Assert.Equal(files.Order(), new[] { first.Items!.Single().FileId!.Value, second.Items!.Single().FileId!.Value }.Order());

        var unknown = Guid.NewGuid();
        var problem = await Assert.ThrowsAsync<ProblemDetails>(() => officer.Api.Certifications[unknown].GetAsync(cancellationToken: Cancelled));
        Assert.Equal(404, problem.ResponseStatusCode);
        Assert.Equal(404, problem.Status);
        Assert.Equal("https://ovop.tj/problems/certification-file-not-found", problem.Type);
    }

    /// <summary>The generated client over the in-process server, signed in as <paramref name="user"/> (anonymous when null).</summary>
    private OvopClient ClientAs(User? user)
    {
        IAuthenticationProvider authentication = user is null ? new AnonymousAuthenticationProvider() : new BearerToken(TokenOf(user));
        var adapter = new HttpClientRequestAdapter(authentication, httpClient: App.Client) { BaseUrl = App.Client.BaseAddress!.ToString().TrimEnd('/') };
        return new OvopClient(adapter);
    }

    private sealed class BearerToken(string token) : IAuthenticationProvider
    {
        public Task AuthenticateRequestAsync(RequestInformation request, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
        {
            request.Headers.Add("Authorization", "Bearer " + token);
            return Task.CompletedTask;
        }
    }

    private static Date DateOf(DateOnly day) => new(day.Year, day.Month, day.Day);

    private static LocalizedText Localized(string tg, string ru, string en) => new() { Tg = tg, Ru = ru, En = en };

    private static RegisterProducer RegisterProducer(string taxId) => new()
    {
        LegalName = Localized("Кооперативи «Зардолуи Исфара»", "Кооператив «Исфаринский урюк»", "Isfara Apricot Cooperative"),
        TaxId = taxId,
        Address = new Address { Region = Region.Sughd, District = "Isfara", Village = "Chorkuh" },
        Contact = new Contact { Person = "Rahim Saidov", Phone = "+992 92 777 1234", Email = "coop@isfara.tj" },
    };

    private static RegisterProduct RegisterApricots(long? expectedVersion, string english = "Dried apricots") => new()
    {
        ExpectedVersion = expectedVersion,
        Name = Localized("Зардолуи хушк", "Курага", english),
        Category = ProductCategory.DriedFruit,
        HsCode = "081310",
    };

    private SubmitApplication Application(Guid producerId, Guid productId) => new()
    {
        ProducerId = producerId,
        ProductId = productId,
        StandardCode = "OVOP-DF",
        DeclaredVolume = new DeclaredVolume { AnnualUnits = 2000, Unit = "500 g pack" },
        NationalEvidence = new NationalEvidence
        {
            CertificateNumber = "TJ-ST-2026-4411",
            IssuedBy = "Tajikstandard, Sughd branch",
            ValidUntil = DateOf(Today.AddYears(2)),
            SanitaryConclusionNumber = "SES-2026-118",
            SanitaryConclusionValidUntil = DateOf(Today.AddYears(1)),
        },
    };

    [Fact]
    public async Task The_committed_client_is_the_one_kiota_generates_from_the_openapi_document()
    {
        var document = (await GetAnonymously("/openapi/v1.json")).Is(HttpStatusCode.OK).Body;
        var scratch = Path.Combine(Path.GetTempPath(), "ovop-client-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var file = Path.Combine(scratch, "openapi.json");
            await System.IO.File.WriteAllTextAsync(file, document, TestContext.Current.CancellationToken);
            if (Environment.GetEnvironmentVariable("OVOP_ARTIFACTS") is { Length: > 0 } artifacts)
            {
                // The document the client is generated from, to read when the client surprises.
                Directory.CreateDirectory(artifacts);
                await System.IO.File.WriteAllTextAsync(Path.Combine(artifacts, "openapi.json"), document, TestContext.Current.CancellationToken);
            }

            var rewrite = Environment.GetEnvironmentVariable("OVOP_WRITE_CLIENT") == "1";
            var output = rewrite ? Committed : Path.Combine(scratch, "Generated");

            var (exitCode, errors) = await Generate(file, output);
            Assert.True(exitCode == 0, $"tools/client/generate.sh failed (exit {exitCode}): {errors}");

            var differences = Differences(Committed, output);
            Assert.True(differences.Count == 0,
                "The committed client (tests/OvopQuality.Tests/Client/Generated) is not the one the OpenAPI document gives: run tools/client/generate.sh\n"
                + string.Join("\n", differences.Take(20)));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Errors)> Generate(string document, string output)
    {
        var start = new ProcessStartInfo(Path.Combine(Checks.Root, "tools", "client", "generate.sh"), [document, output])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Checks.Root,
        };
        using var process = Process.Start(start)!;
        var outputText = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await outputText + await errors);
    }

    /// <summary>The files that are only in one folder or differ between them (line endings aside).</summary>
    private static List<string> Differences(string committed, string generated)
    {
        Dictionary<string, string> Files(string folder) => Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), f => System.IO.File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];

        var before = Files(committed);
        var after = Files(generated);
        return
        [
            .. before.Keys.Except(after.Keys).Order(StringComparer.Ordinal).Select(f => "not generated any more: " + f),
            .. after.Keys.Except(before.Keys).Order(StringComparer.Ordinal).Select(f => "not committed: " + f),
            .. before.Keys.Intersect(after.Keys).Where(f => before[f] != after[f]).Order(StringComparer.Ordinal).Select(f => "differs: " + f),
        ];
    }
}
