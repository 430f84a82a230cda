namespace OvopQuality.Demo;

public sealed record Names(string Tg, string Ru, string En);

public enum Outcome
{
    /// <summary>Registered with products; no application yet.</summary>
    Registered,

    /// <summary>Applied; an inspection is scheduled.</summary>
    UnderEvaluation,

    /// <summary>Inspected and refused: a mandatory requirement failed.</summary>
    Refused,

    /// <summary>Certified, with labels issued.</summary>
    Certified,

    /// <summary>Certified, then suspended after a failed surveillance inspection.</summary>
    Suspended,

    /// <summary>Certified, then withdrawn for misuse of labels.</summary>
    Withdrawn,

    /// <summary>A certificate granted on paper in 2022, recorded late: its validity is over.</summary>
    Expired,

    /// <summary>A certificate from 2023 about to end, renewed: the new certificate supersedes it.</summary>
    Renewed,
}

public sealed record DemoProduct(Names Name, string Category, string HsCode, string? Standard, int AnnualUnits, string Unit);

public sealed record DemoProducer(
    Names LegalName, string TaxId, string Region, string District, string Village, string Person, string Phone,
    DemoProduct Product, Outcome Outcome, string[] FailedRequirements, int LabelBatches);

/// <summary>Producers of the One Village – One Product roadmap, as a demo would show them.</summary>
public static class DemoCatalogue
{
    public static readonly IReadOnlyList<DemoProducer> Producers =
    [
        new(new("Кооперативи «Зардолуи Исфара»", "Кооператив «Исфаринский урюк»", "Isfara Apricot Cooperative"),
            "510000101", "sughd", "Isfara", "Chorkuh", "Rahim Saidov", "+992 92 700 0101",
            new(new("Зардолуи хушк", "Курага", "Dried apricots"), "driedFruit", "081310", "OVOP-DF", 20_000, "500 g pack"),
            Outcome.Certified, ["DF-M3"], 2),
        new(new("Занбӯрпарварони кӯҳии Хатлон", "Горные пасечники Хатлона", "Khatlon Mountain Beekeepers"),
            "510000102", "khatlon", "Baljuvon", "Sarikhosor", "Nodira Rahimova", "+992 93 700 0102",
            new(new("Асали кӯҳӣ", "Горный мёд", "Mountain honey"), "honey", "040900", "OVOP-HN", 8_000, "450 g jar"),
            Outcome.Certified, [], 1),
        new(new("Асали Бохтар", "Мёд Бохтара", "Bokhtar Honey Farm"),
            "510000103", "khatlon", "Bokhtar", "Navobod", "Farrukh Qodirov", "+992 91 700 0103",
            new(new("Асали гул", "Цветочный мёд", "Flower honey"), "honey", "040900", "OVOP-HN", 5_000, "1 kg jar"),
            Outcome.Refused, ["HN-Q2"], 0),
        new(new("Мавизи Панҷакент", "Изюм Пенджикента", "Panjakent Raisins"),
            "510000104", "sughd", "Panjakent", "Sarazm", "Jamshed Usmonov", "+992 92 700 0104",
            new(new("Мавиз", "Изюм", "Raisins"), "driedFruit", "080620", "OVOP-DF", 12_000, "250 g pack"),
            Outcome.UnderEvaluation, [], 0),
        new(new("Ҷӯробҳои пашмини Помир", "Шерстяные носки Памира", "Pamir Wool Socks"),
            "510000105", "gbao", "Khorog", "Porshinev", "Gulnora Mamadshoeva", "+992 93 700 0105",
            new(new("Ҷӯроби пашмин", "Шерстяные носки", "Wool socks"), "textile", "611595", null, 3_000, "pair"),
            Outcome.Registered, [], 0),
        new(new("Сӯзанидӯзони Истаравшан", "Вышивальщицы сюзане Истаравшана", "Istaravshan Suzani Embroiderers"),
            "510000106", "sughd", "Istaravshan", "Kalininobod", "Mavzuna Sharipova", "+992 92 700 0106",
            new(new("Сӯзанӣ", "Сюзане", "Suzani embroidery"), "embroidery", "630492", null, 400, "piece"),
            Outcome.Registered, [], 0),
        new(new("Лимӯи Ваҳдат", "Лимоны Вахдата", "Vahdat Lemon Growers"),
            "510000107", "districtsOfRepublicanSubordination", "Vahdat", "Simiganj", "Davlat Nazarov", "+992 91 700 0107",
            new(new("Лимӯ", "Лимоны", "Lemons"), "freshFruit", "080550", null, 30_000, "1 kg net"),
            Outcome.Registered, [], 0),
        new(new("Абрешими Хуҷанд", "Шёлк Худжанда", "Khujand Silk Workshop"),
            "510000108", "sughd", "Khujand", "Unji", "Zarina Alieva", "+992 92 700 0108",
            new(new("Матои абрешимӣ", "Шёлковая ткань", "Silk fabric"), "silk", "500720", null, 1_500, "metre"),
            Outcome.Registered, [], 0),
        new(new("Ҳалвои чормағзи Душанбе", "Ореховая халва Душанбе", "Dushanbe Walnut Halva"),
            "510000109", "dushanbe", "Dushanbe", "Shohmansur", "Bahrom Karimov", "+992 90 700 0109",
            new(new("Ҳалвои чормағз", "Ореховая халва", "Walnut halva"), "confectionery", "170490", null, 10_000, "300 g box"),
            Outcome.Registered, [], 0),
        new(new("Шираи тути Ҳисор", "Тутовый сироп Гиссара", "Hisor Mulberry Syrup"),
            "510000110", "districtsOfRepublicanSubordination", "Hisor", "Khonaqoh", "Shahlo Davlatova", "+992 91 700 0110",
            new(new("Шираи тут", "Тутовый сироп", "Mulberry syrup"), "syrup", "200989", null, 6_000, "0.5 l bottle"),
            Outcome.Registered, [], 0),
        new(new("Боғи занбӯрии Кӯлоб", "Пасека Куляба", "Kulob Bee Garden"),
            "510000111", "khatlon", "Kulob", "Dahana", "Sino Rahmonova", "+992 93 700 0111",
            new(new("Асали гулҳои кӯҳӣ", "Мёд горных цветов", "Mountain flower honey"), "honey", "040900", "OVOP-HN", 4_000, "450 g jar"),
            Outcome.Suspended, [], 1),
        new(new("Зардолупарварони Хоруғ", "Абрикосоводы Хорога", "Khorog Apricot Growers"),
            "510000112", "gbao", "Khorog", "Shosh", "Navruz Alibekov", "+992 93 700 0112",
            new(new("Зардолуи хушки Помир", "Памирская курага", "Pamir dried apricots"), "driedFruit", "081310", "OVOP-DF", 6_000, "300 g pack"),
            Outcome.Withdrawn, [], 1),
        new(new("Мавизи Ҳисор", "Гиссарский изюм", "Hisor Raisin Farm"),
            "510000113", "districtsOfRepublicanSubordination", "Hisor", "Shamol", "Anvar Sattorov", "+992 91 700 0113",
            new(new("Мавизи сиёҳ", "Чёрный изюм", "Black raisins"), "driedFruit", "080620", "OVOP-DF", 9_000, "500 g pack"),
            Outcome.Expired, [], 0),
        new(new("Зардолуи Ашт", "Курага Ашта", "Asht Dried Apricots"),
            "510000114", "sughd", "Asht", "Shaydon", "Mukhabbat Yusupova", "+992 92 700 0114",
            new(new("Зардолуи хушки Ашт", "Аштская курага", "Asht dried apricots"), "driedFruit", "081310", "OVOP-DF", 15_000, "1 kg pack"),
            Outcome.Renewed, ["DF-M3"], 1),
    ];
}
