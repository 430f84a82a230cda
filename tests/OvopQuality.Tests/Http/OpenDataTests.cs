using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.OpenData;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The whole public registry as open data: what it holds (and what it never does), in three formats
/// that agree, with a signed manifest whose hashes match the bytes, served with validators and gzip,
/// made again after a change, and as it stood at a date. The run shares one database: each test
/// looks at the rows of its own producers.
/// </summary>
public class OpenDataTests(AppFixture app) : CertificationTest(app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OpenDataFiles Files => App.Host.Services.GetRequiredService<OpenDataFiles>();

    /// <summary>A generation made now (the service's own timer may be making one: then this waits for it and makes another).</summary>
    private async Task Generate()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await Files.GenerateAsync(force: true, Ct))
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("no generation could be made in 10 s");
    }

    private async Task<(HttpStatusCode Status, byte[] Body, HttpResponseMessage Response)> Download(string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var response = await App.Client.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(Ct), response);
    }

    [Fact]
    public async Task A_file_a_new_generation_replaced_after_it_was_looked_up_is_not_sent_under_the_replaced_files_hash()
    {
        await Generate();
        var lookedUp = (await Files.FindAsync("certificates.csv", Ct))!;
        await ACertifiedFile();
        await Generate();
        var current = (await Files.FindAsync("certificates.csv", Ct))!;
        Assert.NotEqual(lookedUp.Sha256, current.Sha256);

        async Task<HttpContext> Send(StoredFile file)
        {
            var context = new DefaultHttpContext { RequestServices = App.Host.Services };
            context.Response.Body = new MemoryStream();
            await new StoredFileResult(file, Files, attachment: true).ExecuteAsync(context);
            return context;
        }

        var replaced = await Send(lookedUp);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, replaced.Response.StatusCode);
        Assert.Equal("1", replaced.Response.Headers.RetryAfter.ToString());
        Assert.False(replaced.Response.Headers.ContainsKey("X-Content-SHA256"));
        Assert.False(replaced.Response.Headers.ContainsKey("ETag"));
        Assert.Contains("open-data-replaced", Encoding.UTF8.GetString(((MemoryStream)replaced.Response.Body).ToArray()), StringComparison.Ordinal);

        var sent = await Send(current);
        Assert.Equal(StatusCodes.Status200OK, sent.Response.StatusCode);
        Assert.Equal(current.Sha256, Convert.ToHexStringLower(SHA256.HashData(((MemoryStream)sent.Response.Body).ToArray())));
    }

    private async Task<JsonArray> Json(string file) => JsonNode.Parse((await Download("/api/open-data/" + file)).Body)!.AsArray();

    private async Task<List<Dictionary<string, string>>> Csv(string file)
    {
        var (status, body, _) = await Download("/api/open-data/" + file);
        Assert.Equal(HttpStatusCode.OK, status);
        using var reader = new CsvReader(new StreamReader(new MemoryStream(body), Encoding.UTF8), CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        await reader.ReadAsync();
        reader.ReadHeader();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.HeaderRecord!.ToDictionary(h => h, h => reader.GetField(h)!));
        }

        return rows;
    }

    private static JsonNode? Row(JsonArray rows, string key, string value) => rows.FirstOrDefault(r => r![key]!.GetValue<string>() == value);

    private async Task<(Guid File, string ProducerNumber, string CertificateNumber, Guid ProducerId)> ACertifiedProducer()
    {
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var producerId = file["producerId"]!.GetValue<Guid>();
        return (fileId, file["producerNumber"]!.GetValue<string>(), file["certificate"]!["number"]!.GetValue<string>(), producerId);
    }

    [Fact]
    public async Task A_certified_producer_reads_the_same_in_every_format_and_an_applicant_never_certified_is_not_there()
    {
        var (_, number, certificate, _) = await ACertifiedProducer();
        var (applicant, _) = await AProducerWithApricots();
        var applicantNumber = (await Get($"/api/producers/{applicant}")).Json["number"]!.GetValue<string>();
        await Generate();

        var json = Row(await Json("producers.json"), "producer_number", number)!;
        var lines = Encoding.UTF8.GetString((await Download("/api/open-data/producers.jsonl")).Body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = lines.Select(l => JsonNode.Parse(l)!).Single(l => l["producer_number"]!.GetValue<string>() == number);
        var csv = (await Csv("producers.csv")).Single(r => r["producer_number"] == number);

        Assert.Equal("Isfara Apricot Cooperative", json["name_en"]!.GetValue<string>());
        Assert.Equal(json.ToJsonString(), line.ToJsonString());
        Assert.Equal(OpenDataFormats.Columns(Dataset.Find("producers")!), csv.Keys);
        foreach (var (column, value) in csv)
        {
            Assert.Equal(json[column] is null ? "" : json[column]!.GetValueKind() == JsonValueKind.String ? json[column]!.GetValue<string>() : json[column]!.ToJsonString(), value);
        }

        Assert.Null(json["contact_phone"]);
        Assert.Equal(1, json["valid_certificates"]!.GetValue<int>());
        Assert.Null(Row(await Json("producers.json"), "producer_number", applicantNumber));
        Assert.DoesNotContain((await Json("products.json")), p => p!["producer_number"]!.GetValue<string>() == applicantNumber);

        var row = Row(await Json("certificates.json"), "certificate_number", certificate)!;
        Assert.Equal("valid", row["standing"]!.GetValue<string>());
        Assert.Equal(number, row["producer_number"]!.GetValue<string>());
        Assert.Equal(["granted"], (await Json("certificate-events.json")).Where(e => e!["certificate_number"]!.GetValue<string>() == certificate).Select(e => e!["event"]!.GetValue<string>()));
        Assert.Contains(await Json("requirements.json"), r => r!["requirement_code"]!.GetValue<string>() == "DF-Q1" && r["mandatory"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_contact_is_published_only_while_the_producer_agrees_and_not_as_of_a_day_before_it_agreed()
    {
        var (_, number, _, producerId) = await ACertifiedProducer();
        var before = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Send(HttpMethod.Put, $"/api/producers/{producerId}/contact-publication",
            System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 2, publish = true }, options: AppFixture.Json), ProducerOf(number))).Is(HttpStatusCode.OK);
        await Generate();

        Assert.Equal("+992 92 777 1234", Row(await Json("producers.json"), "producer_number", number)!["contact_phone"]!.GetValue<string>());
        var asOf = Row(await Json("producers.json?asOf=" + Uri.EscapeDataString(before.ToString("O", CultureInfo.InvariantCulture))), "producer_number", number)!;
        Assert.Null(asOf["contact_phone"]);
        Assert.Null(asOf["contact_person"]);

        (await Send(HttpMethod.Put, $"/api/producers/{producerId}/contact-publication",
            System.Net.Http.Json.JsonContent.Create(new { expectedVersion = 3, publish = false }, options: AppFixture.Json), ProducerOf(number))).Is(HttpStatusCode.OK);
        await Generate();
        Assert.Null(Row(await Json("producers.json"), "producer_number", number)!["contact_phone"]);
        Assert.DoesNotContain("+992 92 777 1234", (await Csv("producers.csv")).Single(r => r["producer_number"] == number).Values);
    }

    [Fact]
    public async Task The_signed_manifest_holds_against_the_published_keys_and_names_each_files_hash_which_validators_and_gzip_keep()
    {
        await ACertifiedProducer();
        await Generate();

        var signed = Encoding.ASCII.GetString((await Download("/api/open-data/manifest.jws")).Body);
        var jwks = Path.Combine(Path.GetTempPath(), "ovop-jwks-" + Guid.NewGuid().ToString("N") + ".json");
        await System.IO.File.WriteAllTextAsync(jwks, (await GetAnonymously("/.well-known/jwks.json")).Body, Ct);
        JsonNode verified;
        try
        {
            var (exitCode, output, errors) = await Checks.RunAsync("node", ["verify-jws.mjs", jwks, "ovop-open-data+jws"], signed);
            Assert.True(exitCode == 0, errors + output);
            verified = JsonNode.Parse(output)!;
        }
        finally
        {
            System.IO.File.Delete(jwks);
        }

        var claims = verified["payload"] ?? verified;
        Assert.Equal("CC-BY-4.0", claims["licence"]!.GetValue<string>());
        var index = (await GetAnonymously("/api/open-data")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(index["sequence"]!.GetValue<long>(), claims["seq"]!.GetValue<long>());
        var listed = claims["files"]!.AsArray();
        Assert.Equal(Dataset.All.Count * 3, listed.Count);
        foreach (var file in listed)
        {
            var name = file!["name"]!.GetValue<string>();
            var (status, body, response) = await Download("/api/open-data/" + name);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(file["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(body)));
            Assert.Equal(file["bytes"]!.GetValue<long>(), body.Length);
            Assert.Equal($"\"{file["sha256"]!.GetValue<string>()}\"", response.Headers.ETag!.ToString());
        }

        var certificates = listed.Single(f => f!["name"]!.GetValue<string>() == "certificates.csv")!;
        var hash = certificates["sha256"]!.GetValue<string>();
        var (again, empty, _) = await Download("/api/open-data/certificates.csv", ("If-None-Match", $"\"{hash}\""));
        Assert.Equal(HttpStatusCode.NotModified, again);
        Assert.Empty(empty);
        var (first, _, plain) = await Download("/api/open-data/certificates.csv");
        Assert.Equal(HttpStatusCode.OK, first);
        var (since, _, _) = await Download("/api/open-data/certificates.csv", ("If-Modified-Since", plain.Content.Headers.LastModified!.Value.ToString("R")));
        Assert.Equal(HttpStatusCode.NotModified, since);
        Assert.Equal(HttpStatusCode.OK, (await Download("/api/open-data/certificates.csv", ("If-None-Match", "\"0000\""))).Status);

        var (zipped, compressed, gzipResponse) = await Download("/api/open-data/certificates.csv", ("Accept-Encoding", "gzip, br"));
        Assert.Equal(HttpStatusCode.OK, zipped);
        Assert.Equal("gzip", gzipResponse.Content.Headers.ContentEncoding.Single());
        using var unzipped = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(unzipped, Ct);
        }

        Assert.True(compressed.Length < unzipped.Length);
        Assert.Equal(hash, Convert.ToHexStringLower(SHA256.HashData(unzipped.ToArray())));
        Assert.Equal("attachment; filename=certificates.csv", gzipResponse.Content.Headers.ContentDisposition!.ToString());
    }

    [Fact]
    public async Task The_offline_verifier_holds_the_manifest_and_the_files_downloaded_and_names_one_altered()
    {
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.OpenDataType, DocumentKind.OpenDataManifest.Type);
        Assert.Equal(OvopQuality.Verifier.OfflineVerifier.OpenDataClaims, DocumentKind.OpenDataManifest.RequiredClaims);
        await ACertifiedProducer();
        await Generate();

        var manifest = Encoding.ASCII.GetString((await Download("/api/open-data/manifest.jws")).Body);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in new[] { "producers.csv", "certificates.json", "certificate-events.jsonl" })
        {
            files[name] = (await Download("/api/open-data/" + name)).Body;
        }

        var verifier = new OvopQuality.Verifier.OfflineVerifier((await GetAnonymously("/.well-known/jwks.json")).Body, null);
        var holds = verifier.VerifyOpenData(manifest, files);
        Assert.True(holds.Valid, string.Join("; ", holds.Problems));
        Assert.Equal("CC-BY-4.0", holds.Licence);
        Assert.Equal((await GetAnonymously("/api/open-data")).Is(HttpStatusCode.OK).Json["sequence"]!.GetValue<long>(), holds.Sequence);
        Assert.Equal(4, holds.Established.Count);
        Assert.Equal(Dataset.All.Count * 3 - 3, holds.NotGiven.Count);
        Assert.Contains("producers.json", holds.NotGiven);
        Assert.DoesNotContain("producers.csv", holds.NotGiven);

        var altered = new Dictionary<string, byte[]>(files, StringComparer.Ordinal) { ["producers.csv"] = [.. files["producers.csv"], (byte)'x'] };
        var caught = verifier.VerifyOpenData(manifest, altered);
        Assert.False(caught.Valid);
        Assert.Contains(caught.Problems, p => p.StartsWith("producers.csv: its SHA-256", StringComparison.Ordinal));
        Assert.False(verifier.VerifyOpenData(manifest, new Dictionary<string, byte[]> { ["people.csv"] = [1] }).Valid);

        var parts = manifest.Split('.');
        var forged = JsonNode.Parse(Base64UrlDecode(parts[1]))!;
        forged["seq"] = forged["seq"]!.GetValue<long>() + 1;
        var tampered = $"{parts[0]}.{Base64UrlEncode(Encoding.UTF8.GetBytes(forged.ToJsonString()))}.{parts[2]}";
        Assert.Contains("altered or forged", verifier.VerifyOpenData(tampered, files).Problems.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ovop_verify_command_says_valid_for_the_files_downloaded_and_exits_1_for_a_byte_changed()
    {
        await ACertifiedProducer();
        await Generate();
        var folder = Path.Combine(Path.GetTempPath(), "ovop-open-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await System.IO.File.WriteAllTextAsync(Path.Combine(folder, "jwks.json"), (await GetAnonymously("/.well-known/jwks.json")).Body, Ct);
            var manifest = Path.Combine(folder, "manifest.jws");
            await System.IO.File.WriteAllBytesAsync(manifest, (await Download("/api/open-data/manifest.jws")).Body, Ct);
            var producers = Path.Combine(folder, "producers.csv");
            var certificates = Path.Combine(folder, "certificates.jsonl");
            await System.IO.File.WriteAllBytesAsync(producers, (await Download("/api/open-data/producers.csv")).Body, Ct);
            await System.IO.File.WriteAllBytesAsync(certificates, (await Download("/api/open-data/certificates.jsonl")).Body, Ct);

            var (exitCode, output) = await RunVerifier(["open-data", manifest, producers, certificates, "--cache", folder]);
            Assert.True(exitCode == 0, output);
            Assert.StartsWith("VALID  open data made ", output, StringComparison.Ordinal);
            Assert.Contains("established: producers.csv is the file the manifest signed", output, StringComparison.Ordinal);
            Assert.Contains("established: certificates.jsonl is the file the manifest signed", output, StringComparison.Ordinal);
            Assert.Contains("not checked (not given): ", output, StringComparison.Ordinal);

            var bytes = await System.IO.File.ReadAllBytesAsync(producers, Ct);
            bytes[^3] ^= 0x01;
            await System.IO.File.WriteAllBytesAsync(producers, bytes, Ct);
            (exitCode, output) = await RunVerifier(["open-data", manifest, producers, certificates, "--cache", folder]);
            Assert.True(exitCode == 1, output);
            Assert.StartsWith("INVALID", output, StringComparison.Ordinal);
            Assert.Contains("not established: producers.csv: its SHA-256", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunVerifier(string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ovop-verify"), arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        output += await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, output);
    }

    private static byte[] Base64UrlDecode(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public async Task A_suspension_shows_in_the_next_generation_and_an_as_of_file_shows_the_registry_as_it_stood()
    {
        var beforeGrant = App.Clock.GetUtcNow().AddSeconds(-1);
        var (file, _, certificate, _) = await ACertifiedProducer();
        await Generate();
        Assert.False(await Files.GenerateAsync(force: false, Ct));
        var granted = App.Clock.GetUtcNow();

        App.Clock.Advance(TimeSpan.FromSeconds(1));
        (await Suspend(file, await VersionOf(file))).Is(HttpStatusCode.OK);
        App.Clock.Advance(TimeSpan.FromSeconds(61));
        for (var attempt = 0; !await Files.GenerateAsync(force: false, Ct); attempt++)
        {
            Assert.True(attempt < 100, "the change was not taken up");
            await Task.Delay(100, Ct);
        }

        Assert.Equal("suspended", Row(await Json("certificates.json"), "certificate_number", certificate)!["standing"]!.GetValue<string>());
        Assert.Equal(["granted", "suspended"], (await Json("certificate-events.json")).Where(e => e!["certificate_number"]!.GetValue<string>() == certificate).Select(e => e!["event"]!.GetValue<string>()));

        var then = Uri.EscapeDataString(granted.ToString("O", CultureInfo.InvariantCulture));
        var (status, _, response) = await Download($"/api/open-data/certificates.csv?asOf={then}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(response.Headers.ETag);
        Assert.Equal("valid", (await Csv($"certificates.csv?asOf={then}")).Single(r => r["certificate_number"] == certificate)["standing"]);
        Assert.Null(Row(await Json("certificates.json?asOf=" + Uri.EscapeDataString(beforeGrant.ToString("O", CultureInfo.InvariantCulture))), "certificate_number", certificate));
    }

    [Fact]
    public async Task An_event_that_committed_after_a_generation_under_a_lower_sequence_is_taken_up_by_the_next()
    {
        await ACertifiedProducer();
        await Generate();
        // As if one event of the window had been in flight (numbered, not yet committed) when the
        // generation read the registry: the highest sequence is unchanged, the count below it is not.
        await using (var command = App.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(
            $"update {OpenDataFiles.TableName.QualifiedName} set recent_events = recent_events - 1"))
        {
            Assert.True(await command.ExecuteNonQueryAsync(Ct) > 0);
        }

        App.Clock.Advance(TimeSpan.FromSeconds(61));
        var taken = false;
        for (var attempt = 0; !taken && attempt < 100; attempt++)
        {
            taken = await Files.GenerateAsync(force: false, Ct);
            if (!taken)
            {
                // The service's own timer may have made it first: then the count is the true one again.
                taken = await RecentMatchesAsync();
                await Task.Delay(taken ? 0 : 100, Ct);
            }
        }

        Assert.True(taken, "the late event was not taken up");
        Assert.True(await RecentMatchesAsync());
    }

    private async Task<bool> RecentMatchesAsync()
    {
        await using var command = App.Host.Services.GetRequiredService<Npgsql.NpgsqlDataSource>().CreateCommand(
            $"select recent_events = (select count(*) from {OvopQuality.Api.Infrastructure.Identifiers.Schema}.mt_events e where e.seq_id > f.sequence - {OpenDataFiles.LateEventWindow} and e.seq_id <= f.sequence) " +
            $"from {OpenDataFiles.TableName.QualifiedName} f where f.name = '{OpenDataFiles.ManifestJws}'");
        return await command.ExecuteScalarAsync(Ct) is true;
    }

    [Fact]
    public async Task A_producer_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text()
    {
        var producer = (await Post("/api/producers", WithName(ProducerBody(NewTaxId())))).Is(HttpStatusCode.Created).Json;
        var product = (await Post($"/api/producers/{producer["id"]}/products", ApricotsBody(1))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var fileId = (await Post("/api/certifications", ApplicationBody(producer["id"]!.GetValue<Guid>(), product))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2, Results())).Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);
        await Generate();

        var row = (await Csv("producers.csv")).Single(r => r["producer_number"] == producer["number"]!.GetValue<string>());
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"x\")", row["name_en"]);
        Assert.Equal("=HYPERLINK(\"http://evil.example\",\"x\")", Row(await Json("producers.json"), "producer_number", producer["number"]!.GetValue<string>())!["name_en"]!.GetValue<string>());

        static object WithName(object body)
        {
            var node = JsonSerializer.SerializeToNode(body, body.GetType(), AppFixture.Json)!;
            node["legalName"]!["en"] = "=HYPERLINK(\"http://evil.example\",\"x\")";
            return node;
        }
    }

    [Fact]
    public async Task Every_json_file_is_valid_against_its_published_schema_and_the_dictionary_describes_every_column()
    {
        await ACertifiedProducer();
        await Generate();
        var page = (await GetAnonymously("/open-data")).Is(HttpStatusCode.OK).Body;
        Assert.Contains("CC BY 4.0", page, StringComparison.Ordinal);

        foreach (var dataset in Dataset.All)
        {
            var schemaText = (await GetAnonymously($"/api/open-data/schemas/{dataset.Name}")).Is(HttpStatusCode.OK).Body;
            var schema = global::Json.Schema.JsonSchema.FromText(schemaText);
            var data = JsonDocument.Parse((await Download($"/api/open-data/{dataset.Name}.json")).Body).RootElement;
            Assert.True(data.GetArrayLength() > 0, dataset.Name);
            var result = schema.Evaluate(data, new global::Json.Schema.EvaluationOptions { OutputFormat = global::Json.Schema.OutputFormat.List });
            Assert.True(result.IsValid, $"{dataset.Name}: {JsonSerializer.Serialize(result)}");
            var broken = JsonNode.Parse(data.GetRawText())!.AsArray();
            broken[0]![OpenDataFormats.Columns(dataset)[0]] = 12;
            Assert.False(schema.Evaluate(JsonDocument.Parse(broken.ToJsonString()).RootElement).IsValid, dataset.Name);

            foreach (var column in OpenDataFormats.Columns(dataset))
            {
                Assert.Contains($"<code>{column}</code>", page, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task A_file_or_dataset_that_does_not_exist_and_a_date_that_is_not_one_are_answered_with_problems()
    {
        (await GetAnonymously("/api/open-data/producers.xlsx")).IsProblem(HttpStatusCode.NotFound, "open-data-file-not-found");
        (await GetAnonymously("/api/open-data/..%2Fsecrets.csv")).IsProblem(HttpStatusCode.NotFound, "open-data-file-not-found");
        (await GetAnonymously("/api/open-data/schemas/people")).IsProblem(HttpStatusCode.NotFound, "open-data-dataset-not-found");
        (await GetAnonymously("/api/open-data/certificates.csv?asOf=yesterday")).IsInvalid("at");
        // A day at the calendar's end has no end in the programme's time: refused, not a 500, on every as-of read.
        (await GetAnonymously("/api/open-data/certificates.csv?asOf=9999-12-31")).IsInvalid("at");
        (await GetAnonymously("/api/open-data/certificates.csv?asOf=9999-12-31T23:59:59Z")).IsInvalid("at");
        (await Get("/api/statistics?at=9999-12-31")).IsInvalid("at");
    }
}
