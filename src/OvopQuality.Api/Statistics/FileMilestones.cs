using System.Text.Json;
using Npgsql;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Labels;

namespace OvopQuality.Api.Statistics;

/// <summary>
/// The moments of one certification file the lead times and early warnings are measured from, as
/// recorded by an instant: when it was applied for (and which file it renews), its first inspection
/// recorded, its first decision (standard met or refused), its first labels, the surveillance
/// schedule set at the grant and the rounds passed. Each moment is the time the service's clock gave
/// the fact (its own *At field), like every other time the figures use.
/// </summary>
public sealed record FileMilestones(
    Guid FileId,
    DateTimeOffset SubmittedAt,
    Guid? Renews,
    DateTimeOffset? FirstInspectionAt,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? FirstLabelsAt,
    IReadOnlyList<DateOnly> SurveillanceSchedule,
    IReadOnlySet<int> SurveillanceRoundsPassed);

public static class FileMilestonesReader
{
    private static readonly Type[] Read =
        [typeof(ApplicationSubmitted), typeof(InspectionRecorded), typeof(StandardMet), typeof(CertificationRefused), typeof(SurveillancePassed)];

    /// <summary>
    /// One short row per file, aggregated in PostgreSQL from a few small fields of five event types,
    /// so that 100,000 files are 100,000 rows of a few columns, not their events: label batches (whose
    /// events hold every code) are read from the label registry instead, and inspections' results and
    /// findings never leave the database. Files applied for after <paramref name="at"/> are left out.
    /// Without <paramref name="everyStage"/> only the application and the decision are read (what the
    /// public figures need): inspections (whose stored events are the largest read here) and
    /// surveillance are left out, and so are labels.
    /// </summary>
    public static async Task<IReadOnlyList<FileMilestones>> ReadAsync(IQuerySession session, NpgsqlDataSource database, DateTimeOffset at, bool everyStage, CancellationToken ct)
    {
        var names = session.DocumentStore.Options.Events.AllKnownEventTypes()
            .Where(t => Read.Contains(t.EventType))
            .ToDictionary(t => t.EventType, t => t.EventTypeName);
        string[] read = everyStage
            ? [.. names.Values]
            : [names[typeof(ApplicationSubmitted)], names[typeof(StandardMet)], names[typeof(CertificationRefused)]];
        await using var command = database.CreateCommand($"""
            with facts as (
                select stream_id, type, data,
                    coalesce(data->>'submittedAt', data->>'recordedAt', data->>'decidedAt', data->>'at')::timestamptz as recorded
                from {Identifiers.Schema}.mt_events
                where type = any($1) and is_archived = false
            ), files as (
                select stream_id,
                    min(recorded) filter (where type = $2) as submitted_at,
                    min(data->>'renews') filter (where type = $2) as renews,
                    min(recorded) filter (where type = $3) as first_inspection_at,
                    min(recorded) filter (where type = any($4)) as decided_at,
                    (array_agg(data->'surveillanceSchedule' order by recorded) filter (where type = $5))[1]::text as schedule,
                    array_agg((data->>'round')::int) filter (where type = $6) as rounds_passed
                from facts
                where recorded <= $7
                group by stream_id
            ), labels as (
                select file_id, min(issued_at) as first_labels_at
                from {LabelRegistry.TableName.QualifiedName}
                where $8 and issued_at <= $7
                group by file_id
            )
            select f.stream_id, f.submitted_at, f.renews, f.first_inspection_at, f.decided_at, l.first_labels_at, f.schedule, f.rounds_passed
            from files f left join labels l on l.file_id = f.stream_id
            where f.submitted_at is not null
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = read });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = names[typeof(ApplicationSubmitted)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = names[typeof(InspectionRecorded)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [names[typeof(StandardMet)], names[typeof(CertificationRefused)]] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = names[typeof(StandardMet)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = names[typeof(SurveillancePassed)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = everyStage });

        var files = new List<FileMilestones>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            files.Add(new FileMilestones(
                reader.GetGuid(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.IsDBNull(2) ? null : Guid.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? [] : JsonSerializer.Deserialize<DateOnly[]>(reader.GetString(6)) ?? [],
                reader.IsDBNull(7) ? new HashSet<int>() : [.. reader.GetFieldValue<int[]>(7)]));
        }

        return files;
    }
}
