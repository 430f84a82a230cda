using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;

namespace OvopQuality.Api.Statistics;

/// <summary>
/// The ministry's tables as CSV: one file per table, with column names that do not change (they are
/// the JSON property names; a product's name is given in its three languages). Written by CsvHelper
/// (RFC 4180, UTF-8 without a byte-order mark, \r\n) with its injection guard on: a cell a
/// spreadsheet would take for a formula (=, +, -, @, a tab or a carriage return first) begins with an
/// apostrophe, so a product named <c>=HYPERLINK(...)</c> opens as text.
/// </summary>
public static class FiguresCsv
{
    public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["leadTimes"] = ["stage", "count", "meanDays", "medianDays", "p90Days"],
        ["expiring"] = ["certificateNumber", "producerNumber", "productTg", "productRu", "productEn", "validUntil", "daysLeft"],
        ["surveillanceOverdue"] = ["certificateNumber", "producerNumber", "productTg", "productRu", "productEn", "round", "dueOn", "daysOverdue"],
        ["producersByCity"] = ["city", "producers", "certifiedProducers"],
        ["producersByDistrict"] = ["region", "district", "producers", "certifiedProducers"],
    };

    public static byte[] Write(string table, FiguresDetail detail)
    {
        IEnumerable<string?[]> rows = table switch
        {
            "leadTimes" => detail.LeadTimes.Select(l => new[] { l.Stage.Wire(), Number(l.Count), Number(l.MeanDays), Number(l.MedianDays), Number(l.P90Days) }),
            "expiring" => detail.Expiring.Select(e => new[] { e.CertificateNumber, e.ProducerNumber, e.ProductName.Tg, e.ProductName.Ru, e.ProductName.En, Day(e.ValidUntil), Number(e.DaysLeft) }),
            "surveillanceOverdue" => detail.SurveillanceOverdue.Select(o => new[]
                { o.CertificateNumber, o.ProducerNumber, o.ProductName.Tg, o.ProductName.Ru, o.ProductName.En, Number(o.Round), Day(o.DueOn), Number(o.DaysOverdue) }),
            "producersByCity" => detail.ProducersByCity.Select(c => new[] { c.City, Number(c.Producers), Number(c.CertifiedProducers) }),
            "producersByDistrict" => detail.ProducersByDistrict.Select(d => new[] { d.Region.Wire(), d.District, Number(d.Producers), Number(d.CertifiedProducers) }),
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, "not a table of the figures"),
        };
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            InjectionOptions = InjectionOptions.Escape,
            NewLine = "\r\n",
        };
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true))
        using (var csv = new CsvWriter(writer, configuration))
        {
            foreach (var row in rows.Prepend(Columns[table]))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(cell ?? "");
                }

                csv.NextRecord();
            }
        }

        return buffer.ToArray();
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

public static class GetFiguresCsvEndpoint
{
    /// <summary>
    /// One table of the ministry's figures as CSV (ministry and programme staff), as things stood at
    /// <c>?at=</c>: <c>leadTimes</c>, <c>expiring</c>, <c>surveillanceOverdue</c>,
    /// <c>producersByCity</c> or <c>producersByDistrict</c>. The first line names the columns, which
    /// do not change; the file is named after the table and the day, e.g. expiring-2026-03-05.csv.
    /// A cell a spreadsheet could take for a formula begins with an apostrophe.
    /// </summary>
    [WolverineGet("/api/statistics/detail/{table}.csv", OperationId = "GetFiguresCsv")]
    [Tags("Statistics")]
    [Authorize(Roles = Roles.Ministry + "," + Roles.Staff)]
    [Produces("text/csv")]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Get(
        string table, string? at, IQuerySession session, NpgsqlDataSource database, [FromServices] LifecycleSettings lifecycle, TimeProvider clock, CancellationToken ct)
    {
        if (!FiguresCsv.Columns.ContainsKey(table))
        {
            return TypedResults.Problem(Problems.NotFound("figures-table",
                $"There is no table of that name; the tables are {string.Join(", ", FiguresCsv.Columns.Keys)}."));
        }

        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        var detail = await GetFiguresDetailEndpoint.ComputeAsync(session, database, lifecycle, instant.Value, now, ct);
        var day = ProgrammeTime.DayOf(instant.Value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return TypedResults.File(FiguresCsv.Write(table, detail), "text/csv; charset=utf-8", $"{table}-{day}.csv");
    }
}
