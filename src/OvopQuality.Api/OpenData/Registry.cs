using Marten.Events;
using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards;

namespace OvopQuality.Api.OpenData;

/// <summary>A dataset of the open data: its name (the files' stem) and its rows' type.</summary>
public sealed record Dataset(string Name, Type Row)
{
    public static readonly IReadOnlyList<Dataset> All =
    [
        new("producers", typeof(ProducerRow)),
        new("products", typeof(ProductRow)),
        new("certificates", typeof(CertificateRow)),
        new("certificate-events", typeof(CertificateEventRow)),
        new("standards", typeof(StandardRow)),
        new("requirements", typeof(RequirementRow)),
    ];

    public static Dataset? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
}

/// <summary>
/// The public registry at an instant, as known now: the certificates granted by then with their
/// standing then (the rules of label verification), the producers that held one with their details
/// as they stood then (their contact only if they had agreed to publish it by then), their products
/// registered by then, and the standards' versions published by then. Nothing else of a producer is
/// public: applicants never certified are left out.
/// </summary>
public sealed record RegistrySnapshot(
    IReadOnlyList<ProducerRow> Producers,
    IReadOnlyList<ProductRow> Products,
    IReadOnlyList<CertificateRow> Certificates,
    IReadOnlyList<CertificateEventRow> CertificateEvents,
    IReadOnlyList<StandardRow> Standards,
    IReadOnlyList<RequirementRow> Requirements)
{
    public IReadOnlyList<object> Rows(Dataset dataset) => dataset.Name switch
    {
        "producers" => [.. Producers],
        "products" => [.. Products],
        "certificates" => [.. Certificates],
        "certificate-events" => [.. CertificateEvents],
        "standards" => [.. Standards],
        "requirements" => [.. Requirements],
        _ => throw new ArgumentOutOfRangeException(nameof(dataset), dataset.Name, "no such dataset"),
    };

    /// <summary>
    /// The registry at <paramref name="at"/> as known at <paramref name="now"/>. Producers come from
    /// their documents when <paramref name="at"/> is now, else from their events folded up to then.
    /// </summary>
    public static async Task<RegistrySnapshot> BuildAsync(IQuerySession session, DateTimeOffset at, DateTimeOffset now, CancellationToken ct)
    {
        var certificates = (await session.Query<PublicCertificate>().Where(c => c.CertificateNumber != null).ToListAsync(ct))
            .Select(c => (Certificate: c, Standing: CertificateStanding.At(c, at, now)))
            .Where(c => c.Standing.Status != LabelStatus.Unknown)
            .OrderBy(c => c.Certificate.CertificateNumber, StringComparer.Ordinal)
            .ToList();
        var published = certificates.Select(c => c.Certificate.ProducerNumber).ToHashSet(StringComparer.Ordinal);
        var validBy = certificates.Where(c => c.Standing.Status == LabelStatus.Valid)
            .GroupBy(c => c.Certificate.ProducerNumber, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

        var producers = at >= now
            ? await session.Query<Producer>().Where(p => p.Number.IsOneOf(published.ToArray())).ToListAsync(ct)
            : await ProducersAtAsync(session, published, at, ct);
        producers = [.. producers.OrderBy(p => p.Number, StringComparer.Ordinal)];

        var standards = (await session.Query<Standard>().ToListAsync(ct))
            .SelectMany(s => s.Versions)
            .Where(v => v.PublishedAt <= at)
            .OrderBy(v => v.Code, StringComparer.Ordinal).ThenBy(v => v.Version)
            .ToList();

        return new RegistrySnapshot(
            [.. producers.Select(p => ProducerRowOf(p, validBy.GetValueOrDefault(p.Number)))],
            [.. producers.SelectMany(p => p.Products.Where(x => x.RegisteredAt <= at).Select(x => new ProductRow(
                p.Number, x.Id, x.Name.Tg, x.Name.Ru, x.Name.En, Transliteration.ToLatin(x.Name.Tg), x.Category, x.HsCode, ProgrammeTime.DayOf(x.RegisteredAt))))],
            [.. certificates.Select(c => new CertificateRow(
                c.Certificate.CertificateNumber!, c.Certificate.ProducerNumber, c.Certificate.ProductName.Tg, c.Certificate.ProductName.Ru, c.Certificate.ProductName.En,
                c.Certificate.ProductCategory, c.Certificate.StandardCode, c.Certificate.StandardVersion, c.Certificate.Stars, c.Certificate.ValidFrom, c.Certificate.ValidUntil,
                c.Standing.Status, c.Standing.Since, c.Standing.ReasonClass, c.Standing.SupersededBy))],
            [.. certificates.SelectMany(c => c.Certificate.Timeline
                .Where(f => f.EffectiveFrom <= at && f.RecordedAt <= now)
                .OrderBy(f => f.EffectiveFrom).ThenBy(f => f.Version)
                .Select(f => new CertificateEventRow(c.Certificate.CertificateNumber!, f.Event, f.ReasonClass, f.EffectiveFrom, f.RecordedAt, f.LinkedCertificateNumber)))],
            [.. standards.Select(v => new StandardRow(
                v.Code, v.Version, v.Title.Tg, v.Title.Ru, v.Title.En, v.Category, v.ValidityMonths,
                v.Stars.OneStar, v.Stars.TwoStars, v.Stars.ThreeStars, v.Stars.FourStars, v.Stars.FiveStars, v.PublishedAt))],
            [.. standards.SelectMany(v => v.Requirements.Select(r => new RequirementRow(
                v.Code, v.Version, r.Code, r.Group, r.Text.Tg, r.Text.Ru, r.Text.En, r.Points, r.Mandatory)))]);
    }

    private static ProducerRow ProducerRowOf(Producer p, int valid)
    {
        var contact = p.ContactForPublic();
        return new ProducerRow(
            p.Number, p.LegalName.Tg, p.LegalName.Ru, p.LegalName.En, Transliteration.ToLatin(p.LegalName.Tg),
            p.Address.Region, p.Address.District, p.Address.Village, contact?.Person, contact?.Phone, contact?.Email,
            ProgrammeTime.DayOf(p.RegisteredAt), valid);
    }

    /// <summary>
    /// The published producers as they stood at <paramref name="at"/>: their streams' facts folded
    /// in order, each counted from the time the service's clock gave it (its own *At field), as
    /// every other time the service states.
    /// </summary>
    private static async Task<List<Producer>> ProducersAtAsync(IQuerySession session, HashSet<string> published, DateTimeOffset at, CancellationToken ct)
    {
        var ids = await session.Query<Producer>().Where(p => p.Number.IsOneOf(published.ToArray())).Select(p => p.Id).ToListAsync(ct);
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamId.IsOneOf(ids.ToArray()))
            .OrderBy(e => e.Sequence)
            .ToListAsync(ct);
        var producers = new List<Producer>();
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            Producer? producer = null;
            foreach (var fact in stream.Select(e => e.Data))
            {
                producer = (producer, fact) switch
                {
                    (null, ProducerRegistered e) when e.RegisteredAt <= at => Producer.Create(e),
                    ({ } p, ProducerDetailsCorrected e) when e.CorrectedAt <= at => p.Apply(e),
                    ({ } p, ProductRegistered e) when e.RegisteredAt <= at => p.Apply(e),
                    ({ } p, ContactPublicationAgreed e) when e.At <= at => p.Apply(e),
                    ({ } p, ContactPublicationWithdrawn e) when e.At <= at => p.Apply(e),
                    _ => producer,
                };
            }

            if (producer is not null)
            {
                producers.Add(producer);
            }
        }

        return producers;
    }
}
