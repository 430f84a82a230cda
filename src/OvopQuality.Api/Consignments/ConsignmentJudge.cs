using System.Globalization;
using Npgsql;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Scans;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Consignments;

/// <summary>
/// Judges a list of codes as of an instant, the way <c>GET /api/labels/{code}?at=&amp;knownAt=</c> judges
/// one (<see cref="CertificateStanding"/>), but in bulk: labels are read <see cref="ChunkSize"/> codes a
/// round trip (<c>where code = any($1)</c>), each certificate once for the whole list, and the confirmed
/// clone signals once. Always from the primary: a kept, signed report must not rest on a lagging standby.
/// </summary>
public sealed class ConsignmentJudge
{
    public const int ChunkSize = 10_000;

    private readonly NpgsqlDataSource _database;
    private readonly IDocumentStore _store;
    private readonly string _labelSql;
    private readonly string _certificateSql;

    public ConsignmentJudge(NpgsqlDataSource database, IDocumentStore store)
    {
        _database = database;
        _store = store;
        var certificates = ((IReadOnlyStoreOptions)store.Options).FindOrResolveDocumentType(typeof(PublicCertificate)).TableName.QualifiedName;
        _labelSql = $"select code, file_id, lot, issued_at from {LabelRegistry.TableName.QualifiedName} where code = any($1)";
        _certificateSql = $"select id, data from {certificates} where id = any($1)";
    }

    /// <summary>The lines, in the order given; <paramref name="progress"/> hears how many codes are judged after each chunk.</summary>
    public async Task<IReadOnlyList<ConsignmentLine>> JudgeAsync(
        IReadOnlyList<string> given, AsOf asOf, Func<int, CancellationToken, Task>? progress, CancellationToken ct)
    {
        var lines = new ConsignmentLine?[given.Count];
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new List<(int Index, string Code)>();
        for (var i = 0; i < given.Count; i++)
        {
            var text = given[i];
            var canonical = LabelCode.Normalize(text);
            if (canonical is null)
            {
                lines[i] = Bare(i, text, null, ConsignmentVerdict.Malformed, "Not a label code: a code has 17 letters and digits, e.g. 7K2M-9QXA-4HPD-T8WN-G.");
            }
            else if (!LabelCode.HasValidCheck(canonical))
            {
                lines[i] = Bare(i, text, canonical, ConsignmentVerdict.Malformed, "The check character does not match: a character may be mistyped.");
            }
            else if (first.TryGetValue(canonical, out var earlier))
            {
                lines[i] = Bare(i, text, canonical, ConsignmentVerdict.Duplicate, $"The same code as line {earlier + 1}: one label belongs on one unit.") with { DuplicateOf = earlier + 1 };
            }
            else
            {
                first[canonical] = i;
                pending.Add((i, canonical));
            }
        }

        var warnings = await ConfirmedWarningsAsync(ct);
        var certificates = new Dictionary<Guid, PublicCertificate>();
        var done = given.Count - pending.Count;
        foreach (var chunk in pending.Chunk(ChunkSize))
        {
            var labels = await LabelsAsync([.. chunk.Select(c => c.Code)], ct);
            var missing = labels.Values.Select(l => l.FileId).Where(id => !certificates.ContainsKey(id)).Distinct().ToArray();
            if (missing.Length > 0)
            {
                await CertificatesAsync(missing, certificates, ct);
            }

            foreach (var (index, code) in chunk)
            {
                lines[index] = Judge(index, given[index], code, labels.GetValueOrDefault(code), certificates, warnings.TryGetValue(code, out var since) ? since : null, asOf);
            }

            done += chunk.Length;
            if (progress is not null)
            {
                await progress(done, ct);
            }
        }

        return lines!;
    }

    private static ConsignmentLine Judge(
        int index, string given, string code, LabelIssue? label, Dictionary<Guid, PublicCertificate> certificates, DateTimeOffset? warning, AsOf asOf)
    {
        if (label is null || !certificates.TryGetValue(label.FileId, out var c))
        {
            return Bare(index, given, code, ConsignmentVerdict.Unknown, "This code was never issued by OVOP Tajikistan: the product may not be genuine.") with { CloneWarningSince = warning };
        }

        var standing = label.IssuedAt > asOf.At || label.IssuedAt > asOf.KnownAt
            ? new Standing(LabelStatus.Unknown, $"This label was issued on {label.IssuedAt:yyyy-MM-dd}, after the time asked about.", null, null)
            : CertificateStanding.At(c, asOf.At, asOf.KnownAt);
        var verdict = standing.Status switch
        {
            LabelStatus.Valid => ConsignmentVerdict.Valid,
            LabelStatus.Suspended => ConsignmentVerdict.Suspended,
            LabelStatus.Withdrawn or LabelStatus.Revoked => ConsignmentVerdict.Withdrawn,
            LabelStatus.Expired => ConsignmentVerdict.Expired,
            LabelStatus.Superseded => ConsignmentVerdict.Superseded,
            _ => ConsignmentVerdict.Unknown,
        };
        return new ConsignmentLine(
            index + 1, given, code, verdict, standing.Reason, standing.ReasonClass,
            standing.Since is { } since ? ProgrammeTime.DayOf(since) : null,
            c.CertificateNumber, c.ProductName.En, c.ProducerNumber, c.ProducerName.En, label.Lot, null, warning);
    }

    private static ConsignmentLine Bare(int index, string given, string? code, ConsignmentVerdict verdict, string reason) =>
        new(index + 1, given, code, verdict, reason, null, null, null, null, null, null, null, null, null);

    private async Task<Dictionary<string, LabelIssue>> LabelsAsync(string[] codes, CancellationToken ct)
    {
        var found = new Dictionary<string, LabelIssue>(codes.Length, StringComparer.Ordinal);
        await using var command = _database.CreateCommand(_labelSql);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = codes });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            found[reader.GetString(0)] = new LabelIssue(reader.GetGuid(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3));
        }

        return found;
    }

    private async Task CertificatesAsync(Guid[] fileIds, Dictionary<Guid, PublicCertificate> into, CancellationToken ct)
    {
        var serializer = _store.Options.Serializer();
        await using var command = _database.CreateCommand(_certificateSql);
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = fileIds });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(1)));
            into[reader.GetGuid(0)] = serializer.FromJson<PublicCertificate>(json);
        }
    }

    /// <summary>
    /// Confirmed clone signals, read from the store rather than this instance's memory: a report is
    /// kept and signed, and may be made on an instance that has not yet heard of a confirmation.
    /// Staff confirm few signals, so they are read whole.
    /// </summary>
    private async Task<Dictionary<string, DateTimeOffset>> ConfirmedWarningsAsync(CancellationToken ct)
    {
        await using var session = _store.QuerySession();
        var confirmed = await session.Query<CloneSignalCase>().Where(s => s.Status == CloneSignalStatus.Confirmed).ToListAsync(ct);
        return confirmed.GroupBy(s => s.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(s => s.ConfirmedAt ?? s.ChangedAt), StringComparer.Ordinal);
    }

    internal static string Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
