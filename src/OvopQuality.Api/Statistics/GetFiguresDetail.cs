using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Statistics;

/// <summary>A step of the certification process whose lead time is measured.</summary>
public enum LeadTimeStage
{
    /// <summary>From the application to the first inspection recorded.</summary>
    ApplicationToInspection,

    /// <summary>From the first inspection recorded to the first decision (standard met or refused).</summary>
    InspectionToDecision,

    /// <summary>From the grant to the first labels issued.</summary>
    DecisionToLabels,

    /// <summary>From the application to the first decision, the whole way.</summary>
    ApplicationToDecision,
}

public sealed record StageLeadTime(LeadTimeStage Stage, int Count, double? MeanDays, double? MedianDays, double? P90Days);

/// <summary>A certificate live at the instant whose validity ends within 90 days of it, with no renewal applied for by then.</summary>
public sealed record ExpiringCertificate(string CertificateNumber, string ProducerNumber, LocalizedText ProductName, DateOnly ValidUntil, int DaysLeft);

/// <summary>A live certificate whose surveillance round fell due more than the grace period before the instant and had not been passed by then.</summary>
public sealed record OverdueSurveillance(string CertificateNumber, string ProducerNumber, LocalizedText ProductName, int Round, DateOnly DueOn, int DaysOverdue);

/// <summary>Producers registered by the instant in one of the programme's cities (see <see cref="Cities"/>), and how many of them held a certificate in force.</summary>
public sealed record CityFigures(string City, int Producers, int CertifiedProducers);

/// <summary>Producers registered by the instant in one district, and how many of them held a certificate in force.</summary>
public sealed record DistrictFigures(Region Region, string District, int Producers, int CertifiedProducers);

/// <summary>
/// What the ministry needs to act, as things stood at <c>AsOf</c>, as known now: lead times per
/// stage, certificates about to lapse with no renewal filed (an early warning, soonest first),
/// surveillance overdue (longest overdue first), and producers by city and by district.
/// <c>ProducersOutsideCities</c> counts producers whose address names none of the cities.
/// </summary>
public sealed record FiguresDetail(
    DateTimeOffset AsOf,
    IReadOnlyList<StageLeadTime> LeadTimes,
    IReadOnlyList<ExpiringCertificate> Expiring,
    IReadOnlyList<OverdueSurveillance> SurveillanceOverdue,
    IReadOnlyList<CityFigures> ProducersByCity,
    int ProducersOutsideCities,
    IReadOnlyList<DistrictFigures> ProducersByDistrict);

public static class GetFiguresDetailEndpoint
{
    /// <summary>How far ahead the early warning looks for certificates about to lapse.</summary>
    public const int ExpiryWarningDays = 90;

    /// <summary>
    /// The ministry's figures (ministry and programme staff): lead times per stage (application to
    /// first inspection, inspection to decision, decision to first labels, and application to
    /// decision; count, mean, median and 90th percentile in days, over the files that made the step
    /// by the instant); certificates in force or suspended whose validity ends within 90 days with no
    /// renewal applied for; surveillance rounds overdue (fallen due more than
    /// Ovop:Lifecycle:SurveillanceGraceDays before and not passed); producers and certified producers
    /// by city (a city is the district or village the address names, see the README) and by district.
    /// <c>?at=</c> (an instant or a day) answers as things stood then, as known now. Each table is
    /// also CSV: <c>/api/statistics/detail/{table}.csv</c>.
    /// </summary>
    [WolverineGet("/api/statistics/detail", OperationId = "GetFiguresDetail")]
    [Tags("Statistics")]
    [Authorize(Roles = Roles.Ministry + "," + Roles.Staff)]
    [ProducesResponseType(typeof(HttpValidationProblemDetails), StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<Results<Ok<FiguresDetail>, ProblemHttpResult>> Get(
        string? at, IQuerySession session, NpgsqlDataSource database, [FromServices] LifecycleSettings lifecycle, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (instant, invalid) = FiguresSource.ParseAt(at, now);
        if (instant is null)
        {
            return TypedResults.Problem(invalid);
        }

        return TypedResults.Ok(await ComputeAsync(session, database, lifecycle, instant.Value, now, ct));
    }

    public static async Task<FiguresDetail> ComputeAsync(
        IQuerySession session, NpgsqlDataSource database, LifecycleSettings lifecycle, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var source = await FiguresSource.ReadAsync(session, at, now, ct);
        var files = await FileMilestonesReader.ReadAsync(session, database, at, everyStage: true, ct);
        var today = source.Day;
        var renewed = files.Where(f => f.Renews is not null).Select(f => f.Renews!.Value).ToHashSet();
        var fileOf = files.ToDictionary(f => f.FileId);
        var live = source.Certificates.Where(c => c.IsLive).Select(c => c.Certificate).ToList();

        var expiring = live
            .Where(c => c.ValidUntil is { } until && until >= today && until <= today.AddDays(ExpiryWarningDays) && !renewed.Contains(c.Id))
            .Select(c => new ExpiringCertificate(c.CertificateNumber!, c.ProducerNumber, c.ProductName, c.ValidUntil!.Value, c.ValidUntil.Value.DayNumber - today.DayNumber))
            .OrderBy(c => c.ValidUntil).ThenBy(c => c.CertificateNumber, StringComparer.Ordinal)
            .ToList();

        var overdueBefore = today.AddDays(-lifecycle.SurveillanceGraceDays);
        var overdue = live
            .Select(c => (Certificate: c, Round: fileOf.TryGetValue(c.Id, out var file) ? FirstOverdueRound(file, overdueBefore) : null))
            .Where(c => c.Round is not null)
            .Select(c => new OverdueSurveillance(c.Certificate.CertificateNumber!, c.Certificate.ProducerNumber, c.Certificate.ProductName,
                c.Round!.Value.Round, c.Round.Value.DueOn, today.DayNumber - c.Round.Value.DueOn.DayNumber))
            .OrderByDescending(c => c.DaysOverdue).ThenBy(c => c.CertificateNumber, StringComparer.Ordinal)
            .ToList();

        var certified = source.CertifiedProducers;
        var byCity = source.Producers.ToLookup(p => Cities.Of(p.District, p.Village));
        var districts = new Districts(source.Producers.Select(p => new ProducerPlace(Guid.Empty, p.Number, p.Region, p.District, p.RegisteredAt)));
        var allInDistrict = districts.Count(source.Producers.Select(p => new ProducerPlace(Guid.Empty, p.Number, p.Region, p.District, p.RegisteredAt)));
        var certifiedInDistrict = districts
            .Count(source.Producers.Where(p => certified.Contains(p.Number)).Select(p => new ProducerPlace(Guid.Empty, p.Number, p.Region, p.District, p.RegisteredAt)))
            .ToDictionary(d => (d.Region, d.District), d => d.Count);

        return new FiguresDetail(
            at,
            [
                Stage(LeadTimeStage.ApplicationToInspection, files.Select(f => f.FirstInspectionAt - f.SubmittedAt)),
                Stage(LeadTimeStage.InspectionToDecision, files.Select(f => f.DecidedAt - f.FirstInspectionAt)),
                Stage(LeadTimeStage.DecisionToLabels, files.Select(f => f.FirstLabelsAt - f.DecidedAt)),
                Stage(LeadTimeStage.ApplicationToDecision, files.Select(f => f.DecidedAt - f.SubmittedAt)),
            ],
            expiring,
            overdue,
            [.. Cities.Names.Select(city => new CityFigures(city, byCity[city].Count(), byCity[city].Count(p => certified.Contains(p.Number))))],
            byCity[null].Count(),
            [.. allInDistrict.Select(d => new DistrictFigures(d.Region, d.District, d.Count, certifiedInDistrict.GetValueOrDefault((d.Region, d.District))))]);

        static StageLeadTime Stage(LeadTimeStage stage, IEnumerable<TimeSpan?> durations)
        {
            // A step measured backwards (an inspection recorded before the application of a file
            // recorded late) is no lead time: it is left out rather than pulling the mean down.
            var figures = DurationFigures.Of(durations.OfType<TimeSpan>().Where(d => d >= TimeSpan.Zero));
            return new StageLeadTime(stage, figures.Count, figures.MeanDays, figures.MedianDays, figures.P90Days);
        }
    }

    /// <summary>The earliest round of the schedule set at the grant that fell due before <paramref name="overdueBefore"/> and was not passed: the same rule as the surveillance list's "overdue".</summary>
    private static (int Round, DateOnly DueOn)? FirstOverdueRound(FileMilestones file, DateOnly overdueBefore)
    {
        for (var i = 0; i < file.SurveillanceSchedule.Count; i++)
        {
            var round = i + 1;
            var dueOn = file.SurveillanceSchedule[i];
            if (dueOn >= overdueBefore)
            {
                return null;
            }

            if (!file.SurveillanceRoundsPassed.Contains(round))
            {
                return (round, dueOn);
            }
        }

        return null;
    }
}
