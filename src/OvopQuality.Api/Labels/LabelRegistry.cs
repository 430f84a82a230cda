using JasperFx.Events;
using Marten.Events.Projections;
using Weasel.Core;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace OvopQuality.Api.Labels;

/// <summary>
/// Every label ever issued, one row per code in a plain table keyed by the code. A batch (up to
/// 1,000,000 labels) is one event and one INSERT ... SELECT unnest(...), in the same transaction as
/// the command that issued it, so a label verifies the moment its batch is issued. The codes go in
/// sorted: the key's index then takes them in order, page after page, which halved the time of a
/// million-label batch (random codes each landing on a random page of the index). Replaying the
/// events (a projection rebuild) leaves the table as it was; with 80 random bits a code, two
/// batches drawing the same code is not a case to plan for.
/// </summary>
public sealed partial class LabelRegistry : EventProjection
{
    public static readonly DbObjectName TableName = new PostgresqlObjectName(Infrastructure.Identifiers.Schema, "labels", SchemaUtils.IdentifierUsage.General);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<string>("code").AsPrimaryKey();
        table.AddColumn<Guid>("file_id").NotNull();
        table.AddColumn<Guid>("batch_id").NotNull();
        table.AddColumn<string>("lot").NotNull();
        table.AddColumn<DateTimeOffset>("issued_at").NotNull();
        table.Indexes.Add(new IndexDefinition("idx_labels_batch") { Columns = ["batch_id"] });
        return table;
    }

    public void Project(Certification.LabelsIssued e, IDocumentOperations operations) =>
        operations.QueueSqlCommand(
            $"insert into {TableName.QualifiedName} (code, file_id, batch_id, lot, issued_at) select unnest(?), ?, ?, ?, ? on conflict (code) do nothing",
            Sorted(e.Codes), e.FileId, e.BatchId, e.Lot, e.IssuedAt);

    private static string[] Sorted(IReadOnlyCollection<string> codes)
    {
        var sorted = codes.ToArray();
        // Codes are ASCII letters and digits: ordinal order is the index's order under the C and C.UTF-8
        // collations. Batches are issued sorted (LabelCode.NewCodes); older ones are sorted here.
        for (var i = 1; i < sorted.Length; i++)
        {
            if (string.CompareOrdinal(sorted[i - 1], sorted[i]) > 0)
            {
                Array.Sort(sorted, StringComparer.Ordinal);
                break;
            }
        }

        return sorted;
    }
}
