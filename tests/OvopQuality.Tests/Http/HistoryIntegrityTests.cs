using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using OvopQuality.Tests.Support;
using OvopQuality.Verifier;
using Hashing = OvopQuality.Verifier.HistoryHashing;

namespace OvopQuality.Tests.Http;

/// <summary>
/// The history nobody can rewrite unnoticed: every event carries a hash chained to the one before it,
/// signed checkpoints cover every stream's head, and both the service's own check and the offline
/// verifier name what someone with write access to PostgreSQL changed behind the API's back.
/// </summary>
public class HistoryIntegrityTests(AppFixture app) : CertificationTest(app)
{
    private static readonly string Database = Environment.GetEnvironmentVariable("ConnectionStrings__Ovop") ?? "";

    private async Task<long> PublishCheckpoint() =>
        (await Post("/api/history/checkpoints", new { })).Is(HttpStatusCode.OK).Json["number"]!.GetValue<long>();

    private async Task<string> Export(Guid fileId) => (await Get($"/api/certifications/{fileId}/events/export")).Is(HttpStatusCode.OK).Body;

    private async Task<string> Jwks() => (await GetAnonymously("/.well-known/jwks.json")).Body;

    private async Task<HistoryVerdict> VerifyOffline(Guid fileId) => HistoryVerifier.Verify(await Export(fileId), await Jwks());

    private async Task<JsonArray> Problems(Guid fileId)
    {
        var report = (await Get($"/api/history/check?stream={fileId}")).Is(HttpStatusCode.OK).Json;
        return report["problems"]!.AsArray();
    }

    private static async Task<T> Sql<T>(string sql, params object[] parameters)
    {
        await using var data = NpgsqlDataSource.Create(Database);
        await using var command = data.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    private static async Task Run(string sql, params object[] parameters)
    {
        await using var data = NpgsqlDataSource.Create(Database);
        await using var command = data.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Given_a_certified_file_and_a_checkpoint_then_two_more_events_the_offline_check_says_which_events_the_signed_checkpoint_covers_and_which_are_newer()
    {
        var fileId = await ACertifiedFile();
        var number = await PublishCheckpoint();
        (await IssueLabels(fileId, 4, 3)).Is(HttpStatusCode.Created);
        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var page = (await Get($"/api/certifications/{fileId}/events")).Is(HttpStatusCode.OK).Items;
        Assert.Equal(6, page.Count);
        Assert.All(page, e => Assert.Matches("^[0-9a-f]{64}$", e!["hash"]!.GetValue<string>()));
        Assert.Equal(new string('0', 64), page[0]!["previousHash"]!.GetValue<string>());
        Assert.Equal(page[0]!["hash"]!.GetValue<string>(), page[1]!["previousHash"]!.GetValue<string>());

        var verdict = await VerifyOffline(fileId);

        Assert.True(verdict.Verdict == "intact", string.Join("\n", verdict.Problems.Select(p => p.Detail)));
        var keyId = JsonNode.Parse(await Export(fileId))!["checkpoint"]!["keyId"]!.GetValue<string>();
        Assert.Contains(verdict.Established, e => e.StartsWith($"events 1–4 of stream {fileId} are exactly those covered by checkpoint #{number}, signed by key {keyId} at", StringComparison.Ordinal));
        Assert.Contains(verdict.Established, e => e == $"events 1–6 of stream {fileId} each give the hash recorded for them and link to the one before");
        Assert.Contains(verdict.NotEstablished, e => e.StartsWith($"events 5–6 of stream {fileId} are newer than the checkpoint and not yet covered", StringComparison.Ordinal));

        var check = (await Get($"/api/history/check?stream={fileId}")).Is(HttpStatusCode.OK).Json;
        Assert.True(check["intact"]!.GetValue<bool>(), check.ToJsonString());
        Assert.Equal(6, check["events"]!.GetValue<long>());

        var next = await PublishCheckpoint();
        var covered = await VerifyOffline(fileId);
        Assert.Contains(covered.Established, e => e.StartsWith($"events 1–6 of stream {fileId} are exactly those covered by checkpoint #{next}", StringComparison.Ordinal));
        Assert.DoesNotContain(covered.NotEstablished, e => e.Contains("newer than the checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_checkpoints_are_public_signed_with_their_own_type_and_form_a_chain()
    {
        await AnApplication();
        var first = await PublishCheckpoint();
        await AnApplication();
        var second = await PublishCheckpoint();

        var one = (await GetAnonymously($"/api/history/checkpoints/{second}")).Is(HttpStatusCode.OK).Json;
        var previous = (await GetAnonymously($"/api/history/checkpoints/{first}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal(Hashing.DocumentHash(previous["document"]!.GetValue<string>()), one["previous"]!.GetValue<string>());
        var header = JsonNode.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(one["document"]!.GetValue<string>().Split('.')[0]))!;
        Assert.Equal("ovop-checkpoint+jws", header["typ"]!.GetValue<string>());
        Assert.Equal(one["keyId"]!.GetValue<string>(), header["kid"]!.GetValue<string>());

        var list = (await GetAnonymously("/api/history/checkpoints?limit=500")).Is(HttpStatusCode.OK).Json;
        Assert.True(list["total"]!.GetValue<int>() >= 2);
        (await GetAnonymously("/api/history/checkpoints/99999999")).IsProblem(HttpStatusCode.NotFound, "checkpoint-not-found");
        (await GetAnonymously("/api/history/checkpoints?limit=0")).IsInvalid("limit");
        (await Post("/api/history/checkpoints", new { }, OfficerNamed(Officer))).Is(HttpStatusCode.Forbidden);
        (await Get("/api/history/check", OfficerNamed(Officer))).Is(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_event_row_altered_in_PostgreSQL_is_named_by_stream_version_and_sequence_by_the_check_and_by_the_offline_verifier()
    {
        var fileId = await ACertifiedFile();
        await PublishCheckpoint();
        var sequence = await Sql<long>("select seq_id from ovop.mt_events where stream_id = $1 and version = 1", fileId);
        var original = await Sql<string>("select data::text from ovop.mt_events where stream_id = $1 and version = 1", fileId);
        try
        {
            await Run("update ovop.mt_events set data = jsonb_set(data, '{producerNumber}', '\"TJ-P-999999\"') where stream_id = $1 and version = 1", fileId);

            var problems = await Problems(fileId);
            Assert.Contains(problems, p => p!["kind"]!.GetValue<string>() == "altered" && p["streamId"]!.GetValue<Guid>() == fileId
                                           && p["version"]!.GetValue<long>() == 1 && p["sequence"]!.GetValue<long>() == sequence);
            Assert.False((await Get("/api/history/check")).Is(HttpStatusCode.OK).Json["intact"]!.GetValue<bool>());

            var verdict = await VerifyOffline(fileId);
            Assert.Equal("altered", verdict.Verdict);
            Assert.Contains(verdict.Problems, p => p.StreamId == fileId.ToString() && p.Version == 1 && p.Sequence == sequence
                                                   && p.Detail.Contains("does not give the hash recorded", StringComparison.Ordinal));
        }
        finally
        {
            await Run("update ovop.mt_events set data = $2::jsonb where stream_id = $1 and version = 1", fileId, original);
        }

        Assert.Empty(await Problems(fileId));
    }

    [Fact]
    public async Task A_deleted_event_is_named_by_the_check_and_by_the_offline_verifier()
    {
        var fileId = await ACertifiedFile();
        await PublishCheckpoint();
        var sequence = await Sql<long>("select seq_id from ovop.mt_events where stream_id = $1 and version = 2", fileId);
        var row = await Sql<string>("select row_to_json(e)::text from ovop.mt_events e where stream_id = $1 and version = 2", fileId);
        try
        {
            await Run("delete from ovop.mt_events where stream_id = $1 and version = 2", fileId);

            var problems = await Problems(fileId);
            Assert.Contains(problems, p => p!["kind"]!.GetValue<string>() == "missing" && p["streamId"]!.GetValue<Guid>() == fileId
                                           && p["version"]!.GetValue<long>() == 2 && p["sequence"]!.GetValue<long>() == sequence);

            var verdict = await VerifyOffline(fileId);
            Assert.Equal("altered", verdict.Verdict);
            Assert.Contains(verdict.Problems, p => p.Version == 2 && p.Detail.Contains($"events 2 of stream {fileId} are missing", StringComparison.Ordinal));
        }
        finally
        {
            await Run("insert into ovop.mt_events select * from json_populate_record(null::ovop.mt_events, $1::json)", row);
        }

        Assert.Empty(await Problems(fileId));
    }

    [Fact]
    public async Task An_event_rewritten_together_with_its_hash_rows_is_still_caught_against_the_signed_checkpoint_by_the_check_and_by_the_offline_verifier()
    {
        var fileId = await ACertifiedFile();
        var number = await PublishCheckpoint();
        var original = await Sql<string>("select data::text from ovop.mt_events where stream_id = $1 and version = 2", fileId);
        var hashes = await Sql<string>("select json_agg(json_build_object('v', version, 'h', encode(hash, 'hex')))::text from ovop.ovop_event_hashes where stream_id = $1", fileId);
        try
        {
            // The attacker: another inspector in the record, and every hash of the stream from there on
            // computed again exactly as the service computes it, so the chain itself holds.
            await Run("update ovop.mt_events set data = jsonb_set(data, '{inspectorId}', '\"inspector-complicit\"') where stream_id = $1 and version = 2", fileId);
            var export = JsonNode.Parse(await Export(fileId))!;
            var previous = Hashing.Genesis;
            foreach (var e in export["events"]!.AsArray())
            {
                var body = Hashing.Body(e!["type"]!.GetValue<string>(), System.Text.Json.JsonDocument.Parse(e["data"]!.ToJsonString()).RootElement);
                var hash = Hashing.Link(previous, Hashing.Entry(fileId, e["version"]!.GetValue<long>(), e["sequence"]!.GetValue<long>(), e["recordedAt"]!.GetValue<DateTimeOffset>(), body));
                await Run("update ovop.ovop_event_hashes set hash = $2 where seq_id = $1", e["sequence"]!.GetValue<long>(), hash);
                previous = hash;
            }

            var problems = await Problems(fileId);
            Assert.DoesNotContain(problems, p => p!["kind"]!.GetValue<string>() == "altered");
            Assert.Contains(problems, p => p!["kind"]!.GetValue<string>() == "notAsCheckpointed" && p["streamId"]!.GetValue<Guid>() == fileId
                                           && p["checkpoint"]!.GetValue<long>() == number && p["detail"]!.GetValue<string>().Contains("versions 1–4", StringComparison.Ordinal));

            var verdict = await VerifyOffline(fileId);
            Assert.Equal("altered", verdict.Verdict);
            Assert.Contains(verdict.Problems, p => p.StreamId == fileId.ToString()
                                                   && p.Detail.Contains($"events 1–4 of stream {fileId} are not those checkpoint #{number} covered", StringComparison.Ordinal));
        }
        finally
        {
            await Run("update ovop.mt_events set data = $2::jsonb where stream_id = $1 and version = 2", fileId, original);
            await Run("update ovop.ovop_event_hashes h set hash = decode(x.h, 'hex') from json_to_recordset($2::json) as x(v bigint, h text) where h.stream_id = $1 and h.version = x.v", fileId, hashes);
        }

        Assert.Empty(await Problems(fileId));
    }

    [Fact]
    public async Task Events_without_a_hash_row_as_in_a_database_older_than_the_chain_are_chained_before_the_next_checkpoint()
    {
        var fileId = await AnInspectedFile();
        await Run("delete from ovop.ovop_event_hashes where stream_id = $1 and version >= 2", fileId);
        Assert.Contains("not chained yet", string.Join("\n", (await VerifyOffline(fileId)).NotEstablished), StringComparison.Ordinal);

        var number = await PublishCheckpoint();

        var verdict = await VerifyOffline(fileId);
        Assert.Equal("intact", verdict.Verdict);
        Assert.Contains(verdict.Established, e => e.StartsWith($"events 1–3 of stream {fileId} are exactly those covered by checkpoint #{number}", StringComparison.Ordinal));
        Assert.Empty(await Problems(fileId));
    }

    [Fact]
    public async Task Ovop_verify_history_checks_an_export_from_the_command_line_with_the_cached_keys_and_checkpoints()
    {
        var fileId = await ACertifiedFile();
        var number = await PublishCheckpoint();
        var cache = Path.Combine(Path.GetTempPath(), "ovop-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cache);
        try
        {
            var ct = TestContext.Current.CancellationToken;
            await System.IO.File.WriteAllTextAsync(Path.Combine(cache, "jwks.json"), await Jwks(), ct);
            var all = new JsonArray();
            foreach (var item in (await GetAnonymously("/api/history/checkpoints?limit=500")).Items)
            {
                all.Add(item!.DeepClone());
            }

            await System.IO.File.WriteAllTextAsync(Path.Combine(cache, "checkpoints.json"), all.ToJsonString(), ct);
            var exportFile = Path.Combine(cache, "export.json");
            await System.IO.File.WriteAllTextAsync(exportFile, await Export(fileId), ct);

            var (exitCode, output) = await RunVerifier(["history", exportFile, "--cache", cache]);

            Assert.True(exitCode == 0, output);
            Assert.StartsWith($"INTACT  stream {fileId}", output, StringComparison.Ordinal);
            Assert.Contains($"established: events 1–4 of stream {fileId} are exactly those covered by checkpoint #{number}", output, StringComparison.Ordinal);
            Assert.Contains($"established: checkpoint #{number} is the one published under that number, in an unbroken list", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunVerifier(string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "ovop-verify"), arguments)
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        output += await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output);
    }
}
