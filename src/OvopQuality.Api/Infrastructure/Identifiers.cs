using System.Globalization;
using Npgsql;
using Weasel.Core;
using Weasel.Postgresql;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Human-readable numbers handed out by PostgreSQL sequences: unique under any concurrency and
/// never reused. A number taken by a command that then fails is skipped, never given twice.
/// </summary>
public static class Identifiers
{
    public const string Schema = "ovop";
    private static readonly DbObjectName ProducerNumbers = new PostgresqlObjectName(Schema, "producer_numbers", SchemaUtils.IdentifierUsage.General);
    private static readonly DbObjectName CertificateNumbers = new PostgresqlObjectName(Schema, "certificate_numbers", SchemaUtils.IdentifierUsage.General);

    private static readonly DbObjectName ComplaintNumbers = new PostgresqlObjectName(Schema, "complaint_numbers", SchemaUtils.IdentifierUsage.General);

    public static IEnumerable<Sequence> Sequences() => [new Sequence(ProducerNumbers), new Sequence(CertificateNumbers), new Sequence(ComplaintNumbers)];

    public static async Task<string> NextComplaintReferenceAsync(NpgsqlDataSource database, DateTimeOffset receivedAt, CancellationToken ct)
    {
        var sequence = await NextAsync(database, ComplaintNumbers, ct);
        return string.Create(CultureInfo.InvariantCulture, $"TJ-C-{receivedAt.Year}-{sequence:000000}");
    }

    public static async Task<string> NextProducerNumberAsync(NpgsqlDataSource database, CancellationToken ct) =>
        FormatProducerNumber(await NextAsync(database, ProducerNumbers, ct));

    public static async Task<string> NextCertificateNumberAsync(NpgsqlDataSource database, DateTimeOffset decidedAt, CancellationToken ct) =>
        FormatCertificateNumber(decidedAt.Year, await NextAsync(database, CertificateNumbers, ct));

    public static string FormatProducerNumber(long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"TJ-P-{sequence:000000}");

    public static string FormatCertificateNumber(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"TJ-OVOP-{year}-{sequence:000000}");

    private static async Task<long> NextAsync(NpgsqlDataSource database, DbObjectName sequence, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select nextval('{sequence.QualifiedName}')");
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
