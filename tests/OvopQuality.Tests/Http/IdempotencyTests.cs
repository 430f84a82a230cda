using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OvopQuality.Api.Access;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Field work is never doubled: a command sent again with its Idempotency-Key answers what it first
/// answered and does nothing again, on this instance, on another and after a restart. On a database
/// of its own (the walk rotates and revokes signing keys, publishes a standard), with a clock of its own.
/// </summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private const string Officer = "idem-officer";
    private const string Inspector = "idem-inspector";

    private readonly OwnDatabase _database = new("idem");
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "ovop-idem-" + Guid.NewGuid().ToString("N"));
    private readonly TestClock _clock = new(DateTimeOffset.UtcNow);
    private NpgsqlDataSource _data = null!;
    private IAlbaHost _host = null!;
    private DevelopmentIssuer _issuer = null!;
    private readonly HashSet<string> _covered = new(StringComparer.Ordinal);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.CreateAsync();
        _data = NpgsqlDataSource.Create(_database.ConnectionString);
        _host = await StartHostAsync();
        _issuer = _host.Services.GetRequiredService<DevelopmentIssuer>();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _data.DisposeAsync();
        await _database.DisposeAsync();
        if (Directory.Exists(_keys))
        {
            Directory.Delete(_keys, recursive: true);
        }
    }

    private Task<IAlbaHost> StartHostAsync() =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("ConnectionStrings:Ovop", _database.ConnectionString);
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(_keys, "signing"));
            builder.UseSetting("Ovop:RateLimits:Public:PermitLimit", "1000000");
            builder.UseSetting("Ovop:RateLimits:PublicBody:PermitLimit", "1000000");
            builder.UseSetting("Ovop:RateLimits:User:PermitLimit", "1000000");
            builder.UseSetting("Ovop:Webhooks:AllowInsecureLoopback", "true");
            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(_clock);
                services.RunWolverineInSoloMode();
            });
        });

    private string TokenOf(string subject, string role, string? producerNumber = null) => _issuer.Issue(subject, role, producerNumber: producerNumber);

    private string Admin => TokenOf("idem-admin", Roles.Administrator);

    private static string Json(object body) => JsonSerializer.Serialize(body, AppFixture.Json);

    private static async Task<Reply> SendOn(IAlbaHost host, HttpMethod method, string url, string? json, string? token, string? key)
    {
        using var client = host.Server.CreateClient();
        using var request = new HttpRequestMessage(method, url) { Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key);
        }

        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers.Location?.ToString(), text, response.Headers);
    }

    private Task<Reply> Send(HttpMethod method, string url, string? json, string? token, string? key) => SendOn(_host, method, url, json, token, key);

    private static bool Replayed(Reply reply) => reply.Headers.TryGetValues(IdempotencyKeys.ReplayedHeader, out var values) && values.Single() == "true";

    private static void SameAnswer(Reply first, Reply again)
    {
        Assert.Equal(first.Status, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.Location, again.Location);
        Assert.Equal(first.MediaType, again.MediaType);
    }

    /// <summary>The position of the event store: a command that appends anything moves it.</summary>
    private async Task<long> LastEventAsync()
    {
        await using var command = _data.CreateCommand("select coalesce(max(seq_id), 0) from ovop.mt_events");
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    private async Task<bool?> ClaimedWithCommandAsync(string scope, string key)
    {
        await using var command = _data.CreateCommand("select with_command from ovop.idempotency_keys where scope = $1 and key = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        return await command.ExecuteScalarAsync(Ct) as bool?;
    }

    /// <summary>
    /// Sends a command with a fresh key, then again with the same key: the same answer (status, body,
    /// Location), marked as replayed, nothing appended, and the key claimed in the command's own transaction.
    /// </summary>
    private async Task<JsonNode> Twice(string operation, HttpMethod method, string url, object? body, string? token, HttpStatusCode expected, string? subject)
    {
        var json = body is null ? null : Json(body);
        var key = "walk-" + operation + "-" + Guid.NewGuid().ToString("N");
        var first = (await Send(method, url, json, token, key)).Is(expected);
        Assert.False(Replayed(first), operation + ": the first answer is not a replay");
        var position = await LastEventAsync();

        var again = await Send(method, url, json, token, key);
        SameAnswer(first, again);
        Assert.True(Replayed(again), operation + ": the retry is marked as replayed");
        Assert.Equal(position, await LastEventAsync());
        Assert.True(await ClaimedWithCommandAsync(subject is null ? "public" : "user:" + subject, key) == true,
            operation + ": the key was claimed in the command's own transaction");
        _covered.Add(operation);
        return first.Json;
    }

    private async Task<JsonNode> Read(string url) => (await Send(HttpMethod.Get, url, null, Admin, null)).Is(HttpStatusCode.OK).Json;

    private static long VersionOf(JsonNode answer) => answer["version"]!.GetValue<long>();

    [Fact]
    public async Task Every_command_answers_a_retry_with_its_first_answer_and_does_nothing_again()
    {
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        string officer = TokenOf(Officer, Roles.CertificationOfficer), inspector = TokenOf(Inspector, Roles.Inspector), admin = Admin;
        const string adminSubject = "idem-admin";

        // Producers.
        var registered = await Twice("RegisterProducer", HttpMethod.Post, "/api/producers", ProducerBody(), admin, HttpStatusCode.Created, adminSubject);
        var producer = registered["id"]!.GetValue<Guid>();
        var producerNumber = registered["number"]!.GetValue<string>();
        var producerVersion = VersionOf(registered);
        var producerToken = TokenOf("idem-producer", Roles.Producer, producerNumber);

        async Task<Guid> AProduct(string name, bool twice = false)
        {
            var body = new { expectedVersion = producerVersion, name = new { tg = "Зардолуи хушк", ru = "Курага", en = name }, category = "driedFruit", hsCode = "081310" };
            var answer = twice
                ? await Twice("RegisterProduct", HttpMethod.Post, $"/api/producers/{producer}/products", body, admin, HttpStatusCode.Created, adminSubject)
                : (await Send(HttpMethod.Post, $"/api/producers/{producer}/products", Json(body), admin, null)).Is(HttpStatusCode.Created).Json;
            producerVersion = (await Read($"/api/producers/{producer}"))["version"]!.GetValue<long>();
            return answer["id"]!.GetValue<Guid>();
        }

        var productA = await AProduct("Dried apricots A", twice: true);
        var productB = await AProduct("Dried apricots B");
        var productC = await AProduct("Dried apricots C");
        var corrected = await Twice("CorrectProducerDetails", HttpMethod.Post, $"/api/producers/{producer}/corrections", new
        {
            expectedVersion = producerVersion,
            legalName = new { tg = "Кооперативи «Зардолу»", ru = "Кооператив «Урюк»", en = "Apricot Cooperative" },
            address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
            contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
            reason = "Name registered anew",
        }, admin, HttpStatusCode.OK, adminSubject);
        var changed = await Twice("ChangeProducerDetails", HttpMethod.Patch, $"/api/producers/{producer}",
            new { expectedVersion = VersionOf(corrected), reason = "New phone", contact = new { phone = "+992 92 777 4321" } }, admin, HttpStatusCode.OK, adminSubject);
        Assert.Equal(VersionOf(corrected) + 1, VersionOf(changed));
        var published = await Twice("SetContactPublication", HttpMethod.Put, $"/api/producers/{producer}/contact-publication",
            new { expectedVersion = VersionOf(changed), publish = true, evidence = "Signed form 7" }, admin, HttpStatusCode.OK, adminSubject);
        Assert.Equal(VersionOf(changed) + 1, VersionOf(published));

        // A standard version.
        var standard = "T-IDEM-" + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Twice("PublishStandardVersion", HttpMethod.Post, $"/api/standards/{standard}/versions", OvopQuality.Api.Standards.Seeding.SeedStandards.Catalogue[0].Definition,
            admin, HttpStatusCode.Created, adminSubject);

        // File A: through inspection, findings and samples to a grant, labels and the whole lifecycle.
        async Task<(Guid File, long Version)> AFile(Guid product, bool twice = false)
        {
            var body = new
            {
                producerId = producer,
                productId = product,
                standardCode = "OVOP-DF",
                declaredVolume = new { annualUnits = 1000, unit = "500 g pack" },
                nationalEvidence = new
                {
                    certificateNumber = "TJ-ST-2026-4411",
                    issuedBy = "Tajikstandard",
                    validUntil = today.AddYears(2),
                    sanitaryConclusionNumber = "SES-2026-118",
                    sanitaryConclusionValidUntil = today.AddYears(1),
                },
            };
            var answer = twice
                ? await Twice("SubmitApplication", HttpMethod.Post, "/api/certifications", body, admin, HttpStatusCode.Created, adminSubject)
                : (await Send(HttpMethod.Post, "/api/certifications", Json(body), admin, null)).Is(HttpStatusCode.Created).Json;
            return (answer["id"]!.GetValue<Guid>(), VersionOf(answer));
        }

        async Task<long> Inspected(Guid file, long version, bool twice = false)
        {
            var scheduleBody = new { expectedVersion = version, inspectorId = Inspector, scheduledFor = today };
            var scheduled = twice
                ? await Twice("ScheduleInspection", HttpMethod.Post, $"/api/certifications/{file}/inspections", scheduleBody, admin, HttpStatusCode.OK, adminSubject)
                : (await Send(HttpMethod.Post, $"/api/certifications/{file}/inspections", Json(scheduleBody), admin, null)).Is(HttpStatusCode.OK).Json;
            string[] codes = ["DF-C1", "DF-C2", "DF-M1", "DF-M2", "DF-M3", "DF-Q1", "DF-Q2", "DF-Q3", "DF-Q4"];
            var resultsBody = new
            {
                expectedVersion = VersionOf(scheduled),
                tookPlaceOn = today,
                results = codes.Select(c => new { requirementCode = c, outcome = "passed" }),
                findings = new[] { new { requirementCode = "DF-M2", severity = "minor", description = "Origin story missing on the back label" } },
            };
            var url = $"/api/certifications/{file}/inspections/{scheduled["inspectionId"]}/results";
            var recorded = twice
                ? await Twice("RecordInspection", HttpMethod.Post, url, resultsBody, inspector, HttpStatusCode.OK, Inspector)
                : (await Send(HttpMethod.Post, url, Json(resultsBody), inspector, null)).Is(HttpStatusCode.OK).Json;
            return VersionOf(recorded);
        }

        var (fileA, versionA) = await AFile(productA, twice: true);
        versionA = VersionOf(await Twice("RecordAdvice", HttpMethod.Post, $"/api/certifications/{fileA}/advice",
            new { expectedVersion = versionA, topic = "How to keep a drying log", givenOn = today }, admin, HttpStatusCode.OK, adminSubject));
        versionA = await Inspected(fileA, versionA, twice: true);
        var finding = (await Read($"/api/certifications/{fileA}"))["findings"]![0]!["id"]!.GetValue<Guid>();
        versionA = VersionOf(await Twice("SubmitCorrectiveAction", HttpMethod.Post, $"/api/certifications/{fileA}/findings/{finding}/corrective-actions",
            new { expectedVersion = versionA, description = "Origin story printed on the back label" }, producerToken, HttpStatusCode.OK, "idem-producer"));
        versionA = VersionOf(await Twice("ReviewCorrectiveAction", HttpMethod.Post, $"/api/certifications/{fileA}/findings/{finding}/review",
            new { expectedVersion = versionA, accepted = true }, inspector, HttpStatusCode.OK, Inspector));
        var sample = await Twice("TakeSample", HttpMethod.Post, $"/api/certifications/{fileA}/samples",
            new { expectedVersion = versionA, takenAt = _clock.GetUtcNow().AddHours(-1), place = "Drying yard", conditions = "Sealed bag" }, inspector, HttpStatusCode.Created, Inspector);
        var sampleId = sample["id"]!.GetValue<Guid>();
        versionA = VersionOf(await Twice("SendSample", HttpMethod.Post, $"/api/certifications/{fileA}/samples/{sampleId}/dispatch",
            new { expectedVersion = VersionOf(sample), laboratory = "Tajikstandard laboratory, Khujand" }, inspector, HttpStatusCode.OK, Inspector));
        versionA = VersionOf(await Twice("RecordLabResults", HttpMethod.Post, $"/api/certifications/{fileA}/samples/{sampleId}/results",
            new { expectedVersion = versionA, reportNumber = "R-17", results = new[] { new { parameter = "moisture", value = 12m, unit = "%" } } }, admin, HttpStatusCode.OK, adminSubject));
        versionA = VersionOf(await Twice("DecideStandardMet", HttpMethod.Post, $"/api/certifications/{fileA}/decisions/standard-met",
            new { expectedVersion = versionA, scope = "Dried apricots in 500 g packs" }, officer, HttpStatusCode.OK, Officer));
        var batch = await Twice("IssueLabels", HttpMethod.Post, $"/api/certifications/{fileA}/labels",
            new { expectedVersion = versionA, lot = "LOT-IDEM-1", quantity = 3 }, admin, HttpStatusCode.Created, adminSubject);
        versionA = VersionOf(batch);
        var codesIssued = batch["codes"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        versionA = VersionOf(await Twice("ChangeScope", HttpMethod.Post, $"/api/certifications/{fileA}/scope",
            new { expectedVersion = versionA, scope = "Dried apricots, 500 g packs only", reason = "Line closed", certifiedUnits = 800 }, officer, HttpStatusCode.OK, Officer));
        versionA = VersionOf(await Twice("SuspendCertificate", HttpMethod.Post, $"/api/certifications/{fileA}/suspension",
            new { expectedVersion = versionA, reasonClass = "surveillanceFailed", reason = "Moisture 21 % at surveillance" }, officer, HttpStatusCode.OK, Officer));
        versionA = VersionOf(await Twice("ReinstateCertificate", HttpMethod.Post, $"/api/certifications/{fileA}/reinstatement",
            new { expectedVersion = versionA, reason = "Drying room repaired" }, officer, HttpStatusCode.OK, Officer));

        // Clone signals on two of its labels: one confirmed then lifted, one dismissed.
        var confirmed = await ACloneSignal(codesIssued[0], "198.51.100.1", "203.0.113.1");
        var clonesOfficer = TokenOf("idem-officer-clones", Roles.CertificationOfficer);
        var signalVersion = VersionOf(await Twice("ConfirmCloneSignal", HttpMethod.Post, $"/api/clone-signals/{confirmed.Id}/confirmation",
            new { expectedVersion = confirmed.Version, reason = "Seen in two countries at once" }, clonesOfficer, HttpStatusCode.OK, "idem-officer-clones"));
        await Twice("LiftCloneSignal", HttpMethod.Post, $"/api/clone-signals/{confirmed.Id}/lifting",
            new { expectedVersion = signalVersion, reason = "The copies were seized" }, clonesOfficer, HttpStatusCode.OK, "idem-officer-clones");
        var dismissed = await ACloneSignal(codesIssued[1], "198.51.100.2", "203.0.113.2");
        await Twice("DismissCloneSignal", HttpMethod.Post, $"/api/clone-signals/{dismissed.Id}/dismissal",
            new { expectedVersion = dismissed.Version, reason = "A travelling buyer" }, clonesOfficer, HttpStatusCode.OK, "idem-officer-clones");

        // A complaint about its third label, from anyone, handled by an officer who took no part.
        var receipt = await Twice("SubmitComplaint", HttpMethod.Post, "/api/complaints",
            new { category = "productQuality", description = "Mouldy apricots in the pack", labelCode = codesIssued[2] }, null, HttpStatusCode.Created, null);
        var handler = TokenOf("idem-officer-complaints", Roles.CertificationOfficer);
        (await Send(HttpMethod.Get, "/api/me", null, handler, null)).Is(HttpStatusCode.OK);
        var assigned = await Twice("AssignComplaint", HttpMethod.Post, $"/api/complaints/{receipt["id"]}/assignment",
            new { expectedVersion = VersionOf(receipt), handler = "idem-officer-complaints" }, admin, HttpStatusCode.OK, adminSubject);
        await Twice("ResolveComplaint", HttpMethod.Post, $"/api/complaints/{receipt["id"]}/resolution",
            new { expectedVersion = VersionOf(assigned), outcome = "notUpheld", answer = "The pack was stored wet by the shop." }, handler, HttpStatusCode.OK, "idem-officer-complaints");

        // Withdrawn, appealed, and the appeal decided by an officer not involved.
        versionA = VersionOf(await Twice("WithdrawCertificate", HttpMethod.Post, $"/api/certifications/{fileA}/withdrawal",
            new { expectedVersion = versionA, reasonClass = "misuseOfLabels", reason = "Labels on uncertified produce" }, officer, HttpStatusCode.OK, Officer));
        var appeal = await Twice("LodgeAppeal", HttpMethod.Post, $"/api/certifications/{fileA}/appeals",
            new { expectedVersion = versionA, grounds = "The labels were ours" }, admin, HttpStatusCode.OK, adminSubject);
        await Twice("DecideAppeal", HttpMethod.Post, $"/api/certifications/{fileA}/appeals/{appeal["appealId"]}/decision",
            new { expectedVersion = VersionOf(appeal), upheld = false, reasoning = "The evidence stands" },
            TokenOf("idem-officer-appeals", Roles.CertificationOfficer), HttpStatusCode.OK, "idem-officer-appeals");

        // File B refused; file C granted and surrendered.
        var (fileB, versionB) = await AFile(productB);
        versionB = await Inspected(fileB, versionB);
        await Twice("RefuseCertification", HttpMethod.Post, $"/api/certifications/{fileB}/decisions/refusal",
            new { expectedVersion = versionB, reasons = new[] { "Drying log missing" } }, officer, HttpStatusCode.OK, Officer);
        var (fileC, versionC) = await AFile(productC);
        versionC = await Inspected(fileC, versionC);
        versionC = VersionOf((await Send(HttpMethod.Post, $"/api/certifications/{fileC}/decisions/standard-met",
            Json(new { expectedVersion = versionC, scope = "Dried apricots" }), officer, null)).Is(HttpStatusCode.OK).Json);
        await Twice("SurrenderCertificate", HttpMethod.Post, $"/api/certifications/{fileC}/surrender",
            new { expectedVersion = versionC, reason = "The cooperative stops drying apricots" }, admin, HttpStatusCode.OK, adminSubject);

        // Staff and signing keys (documents, not events: the retry leaves the same set of keys).
        await Twice("RegisterStaffMember", HttpMethod.Put, "/api/staff/idem-inspector-2", new { name = "Dilnoza Karimova", role = "inspector" }, admin, HttpStatusCode.OK, adminSubject);
        var keysBefore = (await Read("/.well-known/jwks.json"))["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToList();
        var rotated = await Twice("RotateSigningKey", HttpMethod.Post, "/api/signing-keys/rotation", null, admin, HttpStatusCode.OK, adminSubject);
        Assert.Equal(keysBefore.Count + 1, (await Read("/.well-known/jwks.json"))["keys"]!.AsArray().Count);
        var retired = keysBefore.Single();
        Assert.NotEqual(retired, rotated["id"]!.GetValue<string>());
        await Twice("RevokeSigningKey", HttpMethod.Post, $"/api/signing-keys/{Uri.EscapeDataString(retired)}/revocation", new { reason = "Laptop stolen" }, admin, HttpStatusCode.OK, adminSubject);
        var keys = (await Read("/api/signing-keys"))["items"]!.AsArray();
        Assert.Equal(2, keys.Count);
        Assert.Equal("revoked", keys.Single(k => k!["id"]!.GetValue<string>() == retired)!["status"]!.GetValue<string>());

        // A consignment report (a document, no event) and a history checkpoint (its own transaction).
        await Twice("SubmitConsignment", HttpMethod.Post, "/api/consignments", new { codes = new[] { "7K2M-9QXA-4HPD-T8WN-G" } }, admin, HttpStatusCode.Created, adminSubject);
        await Twice("PublishHistoryCheckpoint", HttpMethod.Post, "/api/history/checkpoints", null, admin, HttpStatusCode.OK, adminSubject);

        // An exporter's webhook and watch (documents of their own); a redelivery of a delivery that is
        // not theirs is refused, and the refusal is what a retry gets.
        var exporter = TokenOf("idem-exporter", Roles.Exporter);
        var webhook = await Twice("RegisterWebhook", HttpMethod.Post, "/api/webhooks", new { endpoint = "http://127.0.0.1:9/ovop" }, exporter, HttpStatusCode.Created, "idem-exporter");
        var watch = await Twice("WatchCertificates", HttpMethod.Post, "/api/watches", new { producerNumber }, exporter, HttpStatusCode.Created, "idem-exporter");
        var redeliveryKey = "walk-redelivery-" + Guid.NewGuid().ToString("N");
        var redelivery = $"/api/webhook-deliveries/{Guid.NewGuid()}/redelivery";
        var refused = (await Send(HttpMethod.Post, redelivery, Json(new { expectedVersion = 1 }), exporter, redeliveryKey)).IsProblem(HttpStatusCode.NotFound, "webhook-delivery-not-found");
        var refusedAgain = await Send(HttpMethod.Post, redelivery, Json(new { expectedVersion = 1 }), exporter, redeliveryKey);
        SameAnswer(refused, refusedAgain);
        Assert.True(Replayed(refusedAgain));
        _covered.Add("RedeliverWebhook");
        await Twice("RemoveWatch", HttpMethod.Delete, $"/api/watches/{watch["id"]!.GetValue<Guid>()}", null, exporter, HttpStatusCode.OK, "idem-exporter");
        await Twice("RemoveWebhook", HttpMethod.Delete, $"/api/webhooks/{webhook["id"]!.GetValue<Guid>()}", null, exporter, HttpStatusCode.OK, "idem-exporter");

        // Every command of the API documents the key and its 422, and was walked above.
        var document = JsonNode.Parse((await Send(HttpMethod.Get, "/openapi/v1.json", null, null, null)).Is(HttpStatusCode.OK).Body)!;
        var commands = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "post" or "put" or "patch" or "delete"))
            {
                var id = operation!["operationId"]!.GetValue<string>();
                var keyParameter = operation["parameters"]?.AsArray().SingleOrDefault(p => p!["name"]!.GetValue<string>() == IdempotencyKeys.Header);
                if (id == "VerifyScannedToken")
                {
                    Assert.Null(keyParameter);
                    continue;
                }

                Assert.True(keyParameter is not null, $"{method} {id} documents no Idempotency-Key");
                Assert.Equal("header", keyParameter["in"]!.GetValue<string>());
                Assert.NotNull(operation["responses"]!["422"]);
                commands.Add(id);
            }
        }

        Assert.Equal(commands, new SortedSet<string>(_covered, StringComparer.Ordinal));
    }

    private static object ProducerBody(string? taxId = null) => new
    {
        legalName = new { tg = "Кооперативи «Зардолуи Исфара»", ru = "Кооператив «Исфаринский урюк»", en = "Isfara Apricot Cooperative" },
        taxId = taxId ?? NewTaxId(),
        address = new { region = "sughd", district = "Isfara", village = "Chorkuh" },
        contact = new { person = "Rahim Saidov", phone = "+992 92 777 1234" },
    };

    private static string NewTaxId() => Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Two clients scan the label 3,000 km apart: a signal for staff.</summary>
    private async Task<(Guid Id, long Version)> ACloneSignal(string code, string here, string there)
    {
        foreach (var (address, position) in new[] { (here, "lat=38.56&lon=68.79"), (there, "lat=55.75&lon=37.62") })
        {
            await _host.Scenario(s =>
            {
                s.Get.Url($"/api/labels/{code}?{position}");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = IPAddress.Parse(address));
            });
        }

        for (var attempt = 0; attempt < 100; attempt++)
        {
            var signals = (await Read("/api/clone-signals?status=raised"))["items"]!.AsArray();
            if (signals.FirstOrDefault(s => s!.ToJsonString().Contains(code, StringComparison.Ordinal)) is { } signal)
            {
                var id = signal["id"]!.GetValue<Guid>();
                return (id, (await Read($"/api/clone-signals/{id}"))["version"]!.GetValue<long>());
            }

            await Task.Delay(100, Ct);
        }

        throw new InvalidOperationException("The clone signal was not raised.");
    }

    private async Task<(string Json, string Key, Reply First)> ARegistration(string token)
    {
        var json = Json(ProducerBody());
        var key = Guid.NewGuid().ToString();
        var first = (await Send(HttpMethod.Post, "/api/producers", json, token, key)).Is(HttpStatusCode.Created);
        return (json, key, first);
    }

    private async Task<int> ProducersWithTaxIdAsync(string json)
    {
        var taxId = JsonNode.Parse(json)!["taxId"]!.GetValue<string>();
        return (await Read($"/api/producers?taxId={taxId}"))["items"]!.AsArray().Count;
    }

    [Fact]
    public async Task Eight_concurrent_retries_have_one_effect_and_all_get_the_same_answer()
    {
        var json = Json(ProducerBody());
        var key = Guid.NewGuid().ToString();
        var admin = Admin;
        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Send(HttpMethod.Post, "/api/producers", json, admin, key))));

        Assert.All(replies, r => r.Is(HttpStatusCode.Created));
        Assert.All(replies, r => SameAnswer(replies[0], r));
        Assert.Single(replies, r => !Replayed(r));
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));

        // The same on a command against a version: one inspection scheduled, no 409 for the seven behind it.
        var producer = replies[0].Json["id"]!.GetValue<Guid>();
        var product = (await Send(HttpMethod.Post, $"/api/producers/{producer}/products",
            Json(new { expectedVersion = 1, name = new { tg = "Мавиз", ru = "Изюм", en = "Raisins" }, category = "driedFruit", hsCode = "080620" }), admin, null)).Is(HttpStatusCode.Created).Json["id"];
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        var file = (await Send(HttpMethod.Post, "/api/certifications", Json(new
        {
            producerId = producer,
            productId = product,
            standardCode = "OVOP-DF",
            declaredVolume = new { annualUnits = 1000, unit = "500 g pack" },
            nationalEvidence = new
            {
                certificateNumber = "TJ-ST-2026-1", issuedBy = "Tajikstandard", validUntil = today.AddYears(2),
                sanitaryConclusionNumber = "SES-1", sanitaryConclusionValidUntil = today.AddYears(1),
            },
        }), admin, null)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var schedule = Json(new { expectedVersion = 1, inspectorId = Inspector, scheduledFor = today });
        var scheduleKey = Guid.NewGuid().ToString();
        var scheduled = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Send(HttpMethod.Post, $"/api/certifications/{file}/inspections", schedule, admin, scheduleKey))));
        Assert.All(scheduled, r => r.Is(HttpStatusCode.OK));
        Assert.All(scheduled, r => SameAnswer(scheduled[0], r));
        Assert.Equal(2, (await Read($"/api/certifications/{file}"))["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task Retries_on_two_instances_at_the_same_moment_have_one_effect_and_all_get_the_same_answer()
    {
        await using var other = await StartHostAsync();
        var json = Json(ProducerBody());
        var key = Guid.NewGuid().ToString();
        var admin = Admin;
        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => SendOn(i % 2 == 0 ? _host : other, HttpMethod.Post, "/api/producers", json, admin, key))));

        Assert.All(replies, r => r.Is(HttpStatusCode.Created));
        Assert.All(replies, r => SameAnswer(replies[0], r));
        Assert.Single(replies, r => !Replayed(r));
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));
    }

    [Fact]
    public async Task A_retry_while_the_first_request_still_runs_past_the_wait_is_told_to_come_back()
    {
        var json = Json(ProducerBody());
        var key = Guid.NewGuid().ToString();

        // The first request holds the key's lock (here the test holds it, as a slow command would).
        var (lockClass, lockKey) = IdempotencyKeys.LockOf("user:idem-admin", key);
        await using (var holder = await _data.OpenConnectionAsync(Ct))
        {
            await using (var take = new NpgsqlCommand($"select pg_advisory_lock({lockClass}, {lockKey})", holder))
            {
                await take.ExecuteNonQueryAsync(Ct);
            }

            var waited = System.Diagnostics.Stopwatch.StartNew();
            var retry = (await Send(HttpMethod.Post, "/api/producers", json, Admin, key)).IsProblem(HttpStatusCode.Conflict, "idempotency-key-in-progress");
            Assert.True(waited.Elapsed >= IdempotencyKeys.Wait, $"answered after {waited.Elapsed}, before the wait was over");
            Assert.Equal("1", retry.Headers.RetryAfter?.ToString());
            Assert.Equal(0, await ProducersWithTaxIdAsync(json));
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({lockClass}, {lockKey})", holder);
            await release.ExecuteNonQueryAsync(Ct);
        }

        // Nothing was kept for it: once the key is free, the request runs.
        var ran = (await Send(HttpMethod.Post, "/api/producers", json, Admin, key)).Is(HttpStatusCode.Created);
        Assert.False(Replayed(ran));
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));
    }

    [Fact]
    public async Task The_same_key_with_another_body_or_on_another_operation_is_a_422_and_nothing_is_done()
    {
        var admin = Admin;
        var (json, key, first) = await ARegistration(admin);
        var position = await LastEventAsync();

        var otherBody = Json(ProducerBody());
        (await Send(HttpMethod.Post, "/api/producers", otherBody, admin, key)).IsProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        var producer = first.Json["id"]!.GetValue<Guid>();
        (await Send(HttpMethod.Post, $"/api/producers/{producer}/products",
            Json(new { expectedVersion = 1, name = new { tg = "Мавиз", ru = "Изюм", en = "Raisins" }, category = "driedFruit", hsCode = "080620" }), admin, key))
            .IsProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(position, await LastEventAsync());
        Assert.Equal(0, await ProducersWithTaxIdAsync(otherBody));

        // The first request itself is still answered as it was.
        SameAnswer(first, await Send(HttpMethod.Post, "/api/producers", json, admin, key));
    }

    [Fact]
    public async Task A_key_that_is_not_1_to_255_printable_ascii_characters_is_a_400_naming_the_header()
    {
        var json = Json(ProducerBody());
        foreach (var key in new[] { new string('k', 256), "ключ", "tab\there" })
        {
            (await Send(HttpMethod.Post, "/api/producers", json, Admin, key)).IsProblem(HttpStatusCode.BadRequest, "invalid-input").IsInvalid(IdempotencyKeys.Header);
        }

        Assert.Equal(0, await ProducersWithTaxIdAsync(json));
        (await Send(HttpMethod.Post, "/api/producers", json, Admin, new string('k', 255))).Is(HttpStatusCode.Created);
        (await Send(HttpMethod.Post, "/api/producers", Json(ProducerBody()), Admin, "a key with spaces ~!")).Is(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_retry_on_another_instance_and_after_a_restart_gets_the_first_answer()
    {
        var admin = Admin;
        var (json, key, first) = await ARegistration(admin);
        var position = await LastEventAsync();

        await using (var other = await StartHostAsync())
        {
            var again = await SendOn(other, HttpMethod.Post, "/api/producers", json, admin, key);
            SameAnswer(first, again);
            Assert.True(Replayed(again));
        }

        await _host.DisposeAsync();
        _host = await StartHostAsync();
        var afterRestart = await Send(HttpMethod.Post, "/api/producers", json, admin, key);
        SameAnswer(first, afterRestart);
        Assert.True(Replayed(afterRestart));
        Assert.Equal(position, await LastEventAsync());
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));
    }

    [Fact]
    public async Task Another_users_same_key_is_another_key_and_never_sees_the_first_answer()
    {
        var (json, key, first) = await ARegistration(Admin);
        var officer = TokenOf("idem-officer-other", Roles.CertificationOfficer);

        // The officer's request with the same key and body runs as their own: here the rule says the tax id is taken.
        var theirs = await Send(HttpMethod.Post, "/api/producers", json, officer, key);
        theirs.IsProblem(HttpStatusCode.Conflict, "producer-already-registered");
        Assert.False(Replayed(theirs));
        Assert.DoesNotContain(first.Json["id"]!.GetValue<string>(), theirs.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_commands_share_one_scope_where_only_the_same_request_gets_the_answer()
    {
        var complaint = Json(new { category = "conductOfTheBody", description = "The inspector came two hours late and left early" });
        var key = Guid.NewGuid().ToString();
        var first = (await Send(HttpMethod.Post, "/api/complaints", complaint, null, key)).Is(HttpStatusCode.Created);
        var again = await Send(HttpMethod.Post, "/api/complaints", complaint, null, key);
        SameAnswer(first, again);
        Assert.True(Replayed(again));

        var someoneElse = await Send(HttpMethod.Post, "/api/complaints", Json(new { category = "conductOfTheBody", description = "Another complaint" }), null, key);
        someoneElse.IsProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.DoesNotContain(first.Json["trackingKey"]!.GetValue<string>(), someoneElse.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_violation_is_replayed_but_a_stale_version_is_not_kept()
    {
        var admin = Admin;
        var (registration, _, registered) = await ARegistration(admin);
        var producer = registered.Json["id"]!.GetValue<Guid>();
        var product = Json(new { expectedVersion = 7, name = new { tg = "Мавиз", ru = "Изюм", en = "Raisins" }, category = "driedFruit", hsCode = "080620" });
        var key = Guid.NewGuid().ToString();

        // A stale version: a retry may meet another version, so it is run again, not replayed.
        (await Send(HttpMethod.Post, $"/api/producers/{producer}/products", product, admin, key)).IsProblem(HttpStatusCode.Conflict, "stale-version");
        var again = (await Send(HttpMethod.Post, $"/api/producers/{producer}/products", product, admin, key)).IsProblem(HttpStatusCode.Conflict, "stale-version");
        Assert.False(Replayed(again));
        Assert.Null(await ClaimedWithCommandAsync("user:idem-admin", key));

        // A refusal by the rules is the command's answer: a retry gets it again without asking again.
        var taken = Json(ProducerBody(JsonNode.Parse(registration)!["taxId"]!.GetValue<string>()));
        var ruleKey = Guid.NewGuid().ToString();
        var refused = (await Send(HttpMethod.Post, "/api/producers", taken, admin, ruleKey)).IsProblem(HttpStatusCode.Conflict, "producer-already-registered");
        var refusedAgain = await Send(HttpMethod.Post, "/api/producers", taken, admin, ruleKey);
        SameAnswer(refused, refusedAgain);
        Assert.True(Replayed(refusedAgain));
    }

    [Fact]
    public async Task A_command_applied_whose_answer_was_lost_is_not_applied_again()
    {
        var admin = Admin;
        var (json, key, _) = await ARegistration(admin);
        var position = await LastEventAsync();

        // As if the instance stopped between the command's commit and keeping its answer.
        await using (var lose = _data.CreateCommand("update ovop.idempotency_keys set status = null, headers = null, body = null, answered_at = null where key = $1"))
        {
            lose.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            Assert.Equal(1, await lose.ExecuteNonQueryAsync(Ct));
        }

        var retry = (await Send(HttpMethod.Post, "/api/producers", json, admin, key)).IsProblem(HttpStatusCode.Conflict, "command-already-applied");
        Assert.True(Replayed(retry));
        Assert.Equal(position, await LastEventAsync());
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));
    }

    [Fact]
    public async Task When_keeping_the_answer_fails_after_the_commit_the_key_is_still_used_and_the_command_is_not_run_again()
    {
        // The database refuses to keep answers (as if the instance stopped right after the command committed).
        await using (var refuse = _data.CreateCommand("""
            create function ovop.refuse_answers() returns trigger language plpgsql as $$ begin raise exception 'answers refused by the test'; end $$;
            create trigger refuse_answers before update or insert on ovop.idempotency_keys for each row when (new.status is not null) execute function ovop.refuse_answers();
            """))
        {
            await refuse.ExecuteNonQueryAsync(Ct);
        }

        var admin = Admin;
        var json = Json(ProducerBody());
        var key = Guid.NewGuid().ToString();
        var first = (await Send(HttpMethod.Post, "/api/producers", json, admin, key)).Is(HttpStatusCode.Created);
        Assert.False(Replayed(first));
        Assert.True(await ClaimedWithCommandAsync("user:idem-admin", key) == true);
        var position = await LastEventAsync();

        var retry = (await Send(HttpMethod.Post, "/api/producers", json, admin, key)).IsProblem(HttpStatusCode.Conflict, "command-already-applied");
        Assert.True(Replayed(retry));
        Assert.Equal(position, await LastEventAsync());
        Assert.Equal(1, await ProducersWithTaxIdAsync(json));

        // A command refused before it commits claims nothing: when keeping its answer fails too, a retry runs it again.
        var refusedKey = Guid.NewGuid().ToString();
        (await Send(HttpMethod.Post, "/api/producers", json, admin, refusedKey)).IsProblem(HttpStatusCode.Conflict, "producer-already-registered");
        Assert.Null(await ClaimedWithCommandAsync("user:idem-admin", refusedKey));
        Assert.False(Replayed((await Send(HttpMethod.Post, "/api/producers", json, admin, refusedKey)).IsProblem(HttpStatusCode.Conflict, "producer-already-registered")));
    }

    [Fact]
    public async Task A_key_holds_for_24_hours_and_is_then_forgotten()
    {
        var admin = Admin;
        var (json, key, first) = await ARegistration(admin);
        var start = _clock.GetUtcNow();
        try
        {
            _clock.Advance(TimeSpan.FromHours(23.9));
            SameAnswer(first, await Send(HttpMethod.Post, "/api/producers", json, admin, key));

            // Past 24 hours the request is a new one: run again, here refused as the producer exists.
            _clock.Set(start.AddHours(24).AddMinutes(1));
            var later = (await Send(HttpMethod.Post, "/api/producers", json, admin, key)).IsProblem(HttpStatusCode.Conflict, "producer-already-registered");
            Assert.False(Replayed(later));

            // The cleanup forgets what is past 24 hours, and only that.
            var renewedAt = _clock.GetUtcNow();
            _clock.Set(renewedAt.AddHours(1));
            var (_, recent, _) = await ARegistration(admin);
            _clock.Set(renewedAt.AddHours(24).AddMinutes(1));
            Assert.Equal(1, await IdempotencyKeys.DeleteExpiredAsync(_data, _clock.GetUtcNow(), Ct));
            Assert.Null(await ClaimedWithCommandAsync("user:idem-admin", key));
            Assert.NotNull(await ClaimedWithCommandAsync("user:idem-admin", recent));
        }
        finally
        {
            _clock.Set(start);
        }
    }
}
