using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.Consignments;

/// <summary>
/// What a report keeps besides its document: its lines (one row each, read a page at a time), the
/// CSV it signed (gzip, served byte for byte, so that its hash holds for ever), and, while a large list
/// waits for the background queue, the codes as submitted. All written in the transaction that stores
/// the report, so a report is never done without its lines, nor queued without its codes.
/// </summary>
public static class ConsignmentTables
{
    public static readonly DbObjectName Lines = new PostgresqlObjectName(Identifiers.Schema, "consignment_lines", SchemaUtils.IdentifierUsage.General);
    public static readonly DbObjectName Files = new PostgresqlObjectName(Identifiers.Schema, "consignment_files", SchemaUtils.IdentifierUsage.General);
    public static readonly DbObjectName Inputs = new PostgresqlObjectName(Identifiers.Schema, "consignment_inputs", SchemaUtils.IdentifierUsage.General);

    private static readonly JsonNamingPolicy Wire = JsonNamingPolicy.CamelCase;

    public static IEnumerable<Table> All()
    {
        var lines = new Table(Lines);
        lines.AddColumn<string>("report_id").AsPrimaryKey();
        lines.AddColumn<int>("position").AsPrimaryKey();
        lines.AddColumn<string>("given").NotNull();
        lines.AddColumn<string>("code");
        lines.AddColumn<string>("verdict").NotNull();
        lines.AddColumn<string>("reason").NotNull();
        lines.AddColumn<string>("reason_class");
        lines.AddColumn<string>("since");
        lines.AddColumn<string>("certificate");
        lines.AddColumn<string>("product");
        lines.AddColumn<string>("producer_number");
        lines.AddColumn<string>("producer");
        lines.AddColumn<string>("lot");
        lines.AddColumn<int>("duplicate_of");
        lines.AddColumn<DateTimeOffset>("clone_warning_since");
        yield return lines;

        var files = new Table(Files);
        files.AddColumn<string>("report_id").AsPrimaryKey();
        files.AddColumn("csv_gzip", "bytea").NotNull();
        yield return files;

        var inputs = new Table(Inputs);
        inputs.AddColumn<string>("report_id").AsPrimaryKey();
        inputs.AddColumn("codes", "text[]").NotNull();
        yield return inputs;
    }

    /// <summary>Every line in one statement (columns as arrays, unnested), whatever the list's length.</summary>
    public static void QueueLines(IDocumentSession session, string reportId, IReadOnlyList<ConsignmentLine> lines)
    {
        session.QueueSqlCommand($"delete from {Lines.QualifiedName} where report_id = ?", reportId);
        session.QueueSqlCommand(
            $"""
            insert into {Lines.QualifiedName} (report_id, position, given, code, verdict, reason, reason_class, since, certificate, product, producer_number, producer, lot, duplicate_of, clone_warning_since)
            select ?, l.* from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::timestamptz[]) as l
            """,
            reportId,
            lines.Select(l => l.Position).ToArray(),
            lines.Select(l => l.Given).ToArray(),
            lines.Select(l => l.Code).ToArray(),
            lines.Select(l => Wire.ConvertName(l.Verdict.ToString())).ToArray(),
            lines.Select(l => l.Reason).ToArray(),
            lines.Select(l => l.ReasonClass is { } r ? Wire.ConvertName(r.ToString()) : null).ToArray(),
            lines.Select(l => l.Since?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray(),
            lines.Select(l => l.CertificateNumber).ToArray(),
            lines.Select(l => l.Product).ToArray(),
            lines.Select(l => l.ProducerNumber).ToArray(),
            lines.Select(l => l.Producer).ToArray(),
            lines.Select(l => l.Lot).ToArray(),
            lines.Select(l => l.DuplicateOf).ToArray(),
            lines.Select(l => l.CloneWarningSince?.ToUniversalTime()).ToArray());
    }

    public static void QueueCsv(IDocumentSession session, string reportId, byte[] csv)
    {
        using var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(csv);
        }

        session.QueueSqlCommand(
            $"insert into {Files.QualifiedName} (report_id, csv_gzip) values (?, ?) on conflict (report_id) do update set csv_gzip = excluded.csv_gzip",
            reportId, gzipped.ToArray());
    }

    public static void QueueInputs(IDocumentSession session, string reportId, IReadOnlyList<string> codes) =>
        session.QueueSqlCommand($"insert into {Inputs.QualifiedName} (report_id, codes) values (?, ?)", reportId, codes.ToArray());

    public static void QueueInputsDone(IDocumentSession session, string reportId) =>
        session.QueueSqlCommand($"delete from {Inputs.QualifiedName} where report_id = ?", reportId);

    public static async Task<IReadOnlyList<string>?> InputsAsync(NpgsqlDataSource database, string reportId, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select codes from {Inputs.QualifiedName} where report_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reportId });
        return await command.ExecuteScalarAsync(ct) as string[];
    }

    /// <summary>The lines after <paramref name="afterPosition"/>, in order, at most <paramref name="limit"/>.</summary>
    public static async Task<IReadOnlyList<ConsignmentLine>> LinesAsync(NpgsqlDataSource database, string reportId, int afterPosition, int limit, CancellationToken ct)
    {
        await using var command = database.CreateCommand(
            $"""
            select position, given, code, verdict, reason, reason_class, since, certificate, product, producer_number, producer, lot, duplicate_of, clone_warning_since
            from {Lines.QualifiedName} where report_id = $1 and position > $2 order by position limit $3
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reportId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<ConsignmentLine>();
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            lines.Add(new ConsignmentLine(
                reader.GetInt32(0), reader.GetString(1), Text(2), Enum.Parse<ConsignmentVerdict>(reader.GetString(3), ignoreCase: true), reader.GetString(4),
                Text(5) is { } reason ? Enum.Parse<ReasonClass>(reason, ignoreCase: true) : null,
                Text(6) is { } since ? DateOnly.ParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                Text(7), Text(8), Text(9), Text(10), Text(11),
                reader.IsDBNull(12) ? null : reader.GetInt32(12),
                reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13)));
        }

        return lines;
    }

    public static async Task<byte[]?> CsvAsync(NpgsqlDataSource database, string reportId, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select csv_gzip from {Files.QualifiedName} where report_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reportId });
        if (await command.ExecuteScalarAsync(ct) is not byte[] gzipped)
        {
            return null;
        }

        using var csv = new MemoryStream();
        await using (var gzip = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(csv, ct);
        }

        return csv.ToArray();
    }
}
