using System.Diagnostics;
using System.Globalization;

namespace OvopQuality.Bench;

public readonly record struct RebuildResult(long Events, TimeSpan Elapsed)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;
}

/// <summary>
/// Rebuilds every projection from the events with the service's own command (as an operator does
/// after an upgrade, the service still running), timed from process start to exit, and counts the
/// events it read with psql (the PG* settings bench.sh gives, on the service's database).
/// </summary>
public static class Rebuild
{
    /// <summary>
    /// Makes the event store hold at least <paramref name="events"/> events by copying the
    /// certification files' histories this run recorded (applications, inspections, decisions...),
    /// each copy a stream of its own with every event as recorded, until there are enough. Streams
    /// that issued labels are left out (a copy would add nothing but the same codes again), as are
    /// producers, standards and complaints (their unique numbers). Every projection here is one
    /// document per stream or keyed by the event's own ids, so copies make copies, as many real files
    /// would. Returns the number of file streams copied and how many copies were made.
    /// </summary>
    public static async Task<(long Streams, int Copies)> CopyFileHistoriesAsync(string psql, long events)
    {
        var sql = $$"""
            do $$
            declare
              event_columns text; stream_columns text; copies int := 0; held bigint;
            begin
              select string_agg(quote_ident(column_name), ', ' order by ordinal_position) into event_columns
                from information_schema.columns where table_schema = 'ovop' and table_name = 'mt_events' and column_name not in ('seq_id', 'id', 'stream_id');
              select string_agg(quote_ident(column_name), ', ' order by ordinal_position) into stream_columns
                from information_schema.columns where table_schema = 'ovop' and table_name = 'mt_streams' and column_name <> 'id';
              create temp table bench_template as
                select distinct e.stream_id as id from ovop.mt_events e where e.type = 'application_submitted'
                  and not exists (select 1 from ovop.mt_events l where l.stream_id = e.stream_id and l.type = 'labels_issued');
              loop
                select count(*) into held from ovop.mt_events;
                exit when held >= {{events}} or not exists (select 1 from bench_template);
                copies := copies + 1;
                execute format('insert into ovop.mt_streams (id, %s) select md5(id::text || %L)::uuid, %s from ovop.mt_streams where id in (select id from bench_template)',
                  stream_columns, copies, stream_columns);
                execute format('insert into ovop.mt_events (seq_id, id, stream_id, %s) select nextval(''ovop.mt_events_sequence''), gen_random_uuid(), md5(stream_id::text || %L)::uuid, %s from ovop.mt_events where stream_id in (select id from bench_template) order by seq_id',
                  event_columns, copies, event_columns);
              end loop;
              create temp table bench_result as select (select count(*) from bench_template) || ',' || copies as copied;
            end $$;
            select copied from bench_result;
            """;
        var output = await Processes.RunAsync(psql, ["-X", "-q", "-t", "-A", "-d", "ovop", "-v", "ON_ERROR_STOP=1", "-c", sql]);
        var numbers = output.Trim().Split(',');
        return (long.Parse(numbers[0], CultureInfo.InvariantCulture), int.Parse(numbers[1], CultureInfo.InvariantCulture));
    }

    public static async Task<RebuildResult> MeasureAsync(string dll, string psql)
    {
        var count = await Processes.RunAsync(psql, ["-X", "-q", "-t", "-A", "-d", "ovop", "-c", "select count(*) from ovop.mt_events"]);
        var clock = Stopwatch.StartNew();
        await Processes.RunAsync("dotnet", [dll, "projections", "rebuild"]);
        return new RebuildResult(long.Parse(count.Trim(), CultureInfo.InvariantCulture), clock.Elapsed);
    }
}
