using OvopQuality.Api.Producers;
using OvopQuality.Api.Standards.Publishing;

namespace OvopQuality.Api.Standards.Seeding;

/// <summary>
/// Publishes the programme's first standards when the catalogue lacks them, through the same
/// decision as the administrators' endpoint, so a new installation can certify at once.
/// </summary>
public sealed class SeedStandards(IDocumentStore store, TimeProvider clock, ILogger<SeedStandards> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (code, definition) in Catalogue)
        {
            await using var session = store.LightweightSession();
            Access.EventAttribution.Stamp(session, Access.Actor.System);
            var stream = await session.Events.FetchForWriting<Standard>(Standard.StreamIdFor(code), cancellationToken);
            if (stream.Aggregate is not null)
            {
                continue;
            }

            stream.AppendOne(PublishStandardVersionEndpoint.Publish(code, null, definition, clock.GetUtcNow()));
            try
            {
                await session.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Seeded standard {Code} version 1", code);
            }
            catch (Exception e) when (e is JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException)
            {
                // Another instance seeded it at the same moment (a cluster's instances start together:
                // the second to write finds the stream begun): the catalogue holds it either way.
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static readonly StarThresholds OcopThresholds = new(OneStar: 30, TwoStars: 50, ThreeStars: 70, FourStars: 80, FiveStars: 90);

    public static readonly IReadOnlyList<(string Code, PublishStandardVersion Definition)> Catalogue =
    [
        ("OVOP-DF", new PublishStandardVersion(
            new LocalizedText("Меваи хушк (зардолу, олу, мавиз)", "Сухофрукты (курага, чернослив, изюм)", "Dried fruit (apricots, prunes, raisins)"),
            ProductCategory.DriedFruit,
            [
                new("DF-C1", RequirementGroup.Community, new LocalizedText(
                    "Истеҳсолкунанда сокинони деҳаро ба кор ҷалб мекунад", "Производитель вовлекает жителей села", "The producer employs people of the village"), 10, false),
                new("DF-C2", RequirementGroup.Community, new LocalizedText(
                    "Ашёи хом аз боғҳои маҳаллӣ харида мешавад", "Сырьё закупается в местных садах", "Raw fruit is sourced from local orchards"), 10, false),
                new("DF-M1", RequirementGroup.Marketing, new LocalizedText(
                    "Борпеч бо тамға, вазн ва мӯҳлати нигоҳдорӣ", "Упаковка с маркой, весом и сроком годности", "Packaging shows brand, weight and shelf life"), 10, true),
                new("DF-M2", RequirementGroup.Marketing, new LocalizedText(
                    "Ҳикояи маҳсулот ва пайдоиши он нишон дода шудааст", "Указаны история продукта и его происхождение", "The product's story and origin are presented"), 10, false),
                new("DF-M3", RequirementGroup.Marketing, new LocalizedText(
                    "Фурӯш берун аз ноҳия ё содирот", "Продажи за пределами района или экспорт", "Sales beyond the district or export"), 5, false),
                new("DF-Q1", RequirementGroup.Quality, new LocalizedText(
                    "Намии маҳсулот на зиёда аз 18 %", "Влажность продукта не более 18 %", "Moisture content at most 18 %"), 15, true),
                new("DF-Q2", RequirementGroup.Quality, new LocalizedText(
                    "Диоксиди сулфур на зиёда аз 2000 мг/кг", "Диоксид серы не более 2000 мг/кг", "Sulphur dioxide at most 2000 mg/kg"), 15, true),
                new("DF-Q3", RequirementGroup.Quality, new LocalizedText(
                    "Хушккунӣ дар ҷои тоза ва пӯшида аз ҳашарот", "Сушка в чистом, защищённом от насекомых месте", "Drying in a clean place protected from insects"), 10, true),
                new("DF-Q4", RequirementGroup.Quality, new LocalizedText(
                    "Пайгирии партияҳо аз боғ то борпеч", "Прослеживаемость партий от сада до упаковки", "Lots are traceable from orchard to pack"), 15, false),
            ],
            OcopThresholds,
            LabLimits:
            [
                new("moisture", new LocalizedText("Намӣ", "Влажность", "Moisture"), "%", "DF-Q1", Maximum: 18m),
                new("sulphur-dioxide", new LocalizedText("Диоксиди сулфур", "Диоксид серы", "Sulphur dioxide"), "mg/kg", "DF-Q2", Maximum: 2000m),
            ])),
        ("OVOP-HN", new PublishStandardVersion(
            new LocalizedText("Асали кӯҳӣ", "Горный мёд", "Mountain honey"),
            ProductCategory.Honey,
            [
                new("HN-C1", RequirementGroup.Community, new LocalizedText(
                    "Занбӯрпарварони маҳаллӣ дар кооператив муттаҳид шудаанд", "Местные пчеловоды объединены в кооператив", "Local beekeepers are organised in a cooperative"), 10, false),
                new("HN-C2", RequirementGroup.Community, new LocalizedText(
                    "Қуттиҳои занбӯр дар минтақаи кӯҳӣ ҷойгиранд", "Ульи расположены в горной зоне", "Hives are placed in the mountain zone"), 10, true),
                new("HN-M1", RequirementGroup.Marketing, new LocalizedText(
                    "Тамға бо навъи асал, ҷой ва соли ҷамъоварӣ", "Этикетка с сортом мёда, местом и годом сбора", "Label shows honey type, place and year of harvest"), 10, true),
                new("HN-M2", RequirementGroup.Marketing, new LocalizedText(
                    "Зарфи шишагӣ ё зарфи ба ғизо мувофиқ", "Стеклянная или пищевая тара", "Glass or food-grade containers"), 10, false),
                new("HN-M3", RequirementGroup.Marketing, new LocalizedText(
                    "Фурӯш ба мағозаҳо ё содирот", "Продажи в магазины или экспорт", "Sales to shops or export"), 5, false),
                new("HN-Q1", RequirementGroup.Quality, new LocalizedText(
                    "Намӣ на зиёда аз 20 %", "Влажность не более 20 %", "Moisture at most 20 %"), 15, true),
                new("HN-Q2", RequirementGroup.Quality, new LocalizedText(
                    "Гидроксиметилфурфурол (ГМФ) на зиёда аз 40 мг/кг", "Гидроксиметилфурфурол (ГМФ) не более 40 мг/кг", "Hydroxymethylfurfural (HMF) at most 40 mg/kg"), 15, true),
                new("HN-Q3", RequirementGroup.Quality, new LocalizedText(
                    "Боқимондаи антибиотикҳо ошкор нашудааст", "Остатки антибиотиков не обнаружены", "No antibiotic residues detected"), 15, true),
                new("HN-Q4", RequirementGroup.Quality, new LocalizedText(
                    "Дафтари занбӯрпарварӣ ва пайгирии партияҳо", "Журнал пасеки и прослеживаемость партий", "Apiary log and lot traceability"), 10, false),
            ],
            OcopThresholds,
            LabLimits:
            [
                new("moisture", new LocalizedText("Намӣ", "Влажность", "Moisture"), "%", "HN-Q1", Maximum: 20m),
                new("hmf", new LocalizedText("Гидроксиметилфурфурол", "Гидроксиметилфурфурол", "Hydroxymethylfurfural (HMF)"), "mg/kg", "HN-Q2", Maximum: 40m),
            ])),
    ];
}
