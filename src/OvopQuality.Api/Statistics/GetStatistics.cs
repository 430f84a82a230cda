using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Complaints;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Statistics;

/// <summary>Counts by a key, every key present (zero included), in the enum's order.</summary>
public sealed record Breakdown(int Total, IReadOnlyDictionary<string, int> By)
{
    public static Breakdown Of<TKey>(IEnumerable<TKey> items, IEnumerable<TKey>? keys = null) where TKey : struct, Enum
    {
        var counts = (keys ?? Enum.GetValues<TKey>()).ToDictionary(k => k, _ => 0);
        foreach (var item in items)
        {
            counts[item]++;
        }

        return new Breakdown(counts.Values.Sum(), counts.ToDictionary(c => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.Key.ToString()), c => c.Value));
    }
}

public sealed record CertificateFigures(
    int Granted,
    Breakdown ByStanding,
    Breakdown ValidByRegion,
    IReadOnlyList<DistrictCount> ValidByDistrict,
    Breakdown ValidByCategory,
    IReadOnlyDictionary<string, int> ValidByStars,
    IReadOnlyDictionary<string, int> ValidByStandard);

public sealed record ComplaintFigures(int Received, int Open, int Resolved, int Upheld);

/// <summary>
/// The programme in figures, for the ministry and the body's management: no names, no findings.
/// Everything is counted as it stood at <c>AsOf</c>, as known now; a file's status, from the facts
/// of the file recorded by then. <c>ProducersByDistrict</c> and <c>Certificates.ValidByDistrict</c>
/// list each district with something to count as <c>{ region, district, count }</c>, by region in
/// the order of <c>ProducersByRegion</c>, then by district name; a district is the producer's, as
/// their details stand now, compared trimmed and case-insensitively and spelled as the first
/// producer registered there spelled it.
/// </summary>
public sealed record ProgrammeStatistics(
    DateTimeOffset AsOf,
    Breakdown ProducersByRegion,
    IReadOnlyList<DistrictCount> ProducersByDistrict,
    Breakdown FilesByStatus,
    CertificateFigures Certificates,
    long LabelsIssued,
    ComplaintFigures Complaints);

public static class GetStatisticsEndpoint
{
    /// <summary>How a granted certificate can stand at an instant.</summary>
    private static readonly LabelStatus[] Standings = [LabelStatus.Valid, LabelStatus.Suspended, LabelStatus.Withdrawn, LabelStatus.Expired, LabelStatus.Superseded];

    /// <summary>
    /// The programme in figures: producers by region and by district; files by status; certificates
    /// granted and how they stand (valid, suspended, withdrawn, expired, superseded), the valid ones
    /// by region, district, product category, stars and standard; labels issued; complaints
    /// received, open, resolved and upheld. <c>?at=</c> (an instant or a day) answers as things
    /// stood then, as known now.
    /// </summary>
    [WolverineGet("/api/statistics", OperationId = "GetStatistics")]
    [Tags("Statistics")]
    [Authorize(Roles = Roles.Ministry + "," + Roles.Staff)]
    public static async Task<Results<Ok<ProgrammeStatistics>, ProblemHttpResult>> Get(
        string? at, IQuerySession session, NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (asOf, invalid) = AsOf.Parse(at, null, now);
        if (asOf is null)
        {
            return TypedResults.Problem(invalid);
        }

        var instant = asOf.At;
        var places = await ProducerPlacesAsync(session, ct);
        var districts = new Districts(places);
        var producers = places.Where(p => p.RegisteredAt <= instant).ToList();
        var files = await FilesAt.StatusesAsync(session, string.IsNullOrWhiteSpace(at) ? null : instant, ct);
        var granted = (await session.Query<PublicCertificate>().Where(c => c.CertificateNumber != null).ToListAsync(ct))
            .Select(c => (Certificate: c, Standing: CertificateStanding.At(c, instant, now)))
            .Where(c => Standings.Contains(c.Standing.Status))
            .ToList();
        var valid = granted.Where(c => c.Standing.Status == LabelStatus.Valid).Select(c => c.Certificate).ToList();
        var placeOf = places.ToDictionary(p => p.Number, StringComparer.Ordinal);
        var standards = await session.Query<Standards.Standard>().Select(x => x.Code).ToListAsync(ct);
        var complaints = await session.Query<Complaint>().Where(c => c.ReceivedAt <= instant).ToListAsync(ct);
        var resolved = complaints.Where(c => c.ResolvedAt <= instant).ToList();

        return TypedResults.Ok(new ProgrammeStatistics(
            instant,
            Breakdown.Of(producers.Select(p => p.Region)),
            districts.Count(producers),
            Breakdown.Of(files),
            new CertificateFigures(
                granted.Count,
                Breakdown.Of(granted.Select(c => c.Standing.Status), Standings),
                Breakdown.Of(valid.Select(c => c.Region)),
                districts.Count(valid.Select(c => placeOf.GetValueOrDefault(c.ProducerNumber)).OfType<ProducerPlace>()),
                Breakdown.Of(valid.Select(c => c.ProductCategory)),
                Enumerable.Range(1, 5).ToDictionary(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture), s => valid.Count(c => c.Stars == s)),
                standards.Order(StringComparer.Ordinal).ToDictionary(code => code, code => valid.Count(c => c.StandardCode == code))),
            await LabelsIssuedAsync(database, instant, ct),
            new ComplaintFigures(complaints.Count, complaints.Count - resolved.Count, resolved.Count, resolved.Count(c => c.Outcome == ComplaintOutcome.Upheld))));
    }

    /// <summary>Every producer's number and place: a few short columns, so the whole programme stays one small read.</summary>
    private static async Task<IReadOnlyList<ProducerPlace>> ProducerPlacesAsync(IQuerySession session, CancellationToken ct)
    {
        var rows = await session.Query<Producer>()
            .Select(p => new { p.Id, p.Number, p.Address.Region, p.Address.District, p.RegisteredAt })
            .ToListAsync(ct);
        return [.. rows.Select(p => new ProducerPlace(p.Id, p.Number, p.Region, p.District, p.RegisteredAt))];
    }

    private static async Task<long> LabelsIssuedAsync(NpgsqlDataSource database, DateTimeOffset at, CancellationToken ct)
    {
        await using var command = database.CreateCommand($"select count(*) from {LabelRegistry.TableName.QualifiedName} where issued_at <= $1");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
