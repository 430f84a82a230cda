using OvopQuality.Api.Labels;
using OvopQuality.Api.Labels.Page;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using OvopQuality.Api.PublicDirectory.Searching;

namespace OvopQuality.Api.PublicDirectory.Pages;

/// <summary>
/// Every text of the directory's pages in Tajik, Russian and English (the words they share with the
/// label verification page, such as the reasons of a suspension, come from <see cref="PageTexts"/>).
/// </summary>
public sealed record DirectoryTexts(
    PageTexts Label,
    string Title,
    string Intro,
    string Search,
    string Placeholder,
    string Any,
    string Category,
    string Region,
    string District,
    string Standing,
    string StarsAtLeast,
    string Sort,
    string Find,
    string FoundFormat,
    string NothingFound,
    string More,
    string NotUnderstood,
    string Certificates,
    string Timeline,
    string Place,
    string Village,
    string Contact,
    string HsCode,
    string Recorded,
    string NotListed,
    string BackToDirectory,
    string AsOf,
    IReadOnlyDictionary<Region, string> Regions,
    IReadOnlyDictionary<ProductCategory, string> Categories,
    IReadOnlyDictionary<LabelStatus, string> Standings,
    IReadOnlyDictionary<DirectorySort, string> Sorts,
    IReadOnlyDictionary<TimelineEvent, string> Events)
{
    public string Language => Label.Language;

    public static DirectoryTexts For(string language) => language switch
    {
        "tg" => Tajik,
        "ru" => Russian,
        _ => English,
    };

    /// <summary>A text in the page's language.</summary>
    public string Pick(LocalizedText text) => Language switch { "tg" => text.Tg, "ru" => text.Ru, _ => text.En };

    public string StandingOf(LabelStatus status) => Standings.GetValueOrDefault(status) ?? Label.Verdict(status);

    /// <summary>The page's colour for a standing, the same classes as the label verification page.</summary>
    public static string Tone(LabelStatus status) => status switch
    {
        LabelStatus.Valid => "valid",
        LabelStatus.Suspended => "suspended",
        LabelStatus.Expired or LabelStatus.Superseded => "ended",
        _ => "bad",
    };

    /// <summary>What the search page's own script needs to draw results as the server does.</summary>
    public object ForScript() => new
    {
        lang = Language,
        found = FoundFormat,
        nothing = NothingFound,
        more = More,
        regions = Regions.ToDictionary(r => Wire(r.Key), r => r.Value),
        categories = Categories.ToDictionary(c => Wire(c.Key), c => c.Value),
        standings = Standings.ToDictionary(s => Wire(s.Key), s => s.Value),
    };

    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static readonly DirectoryTexts English = new(
        PageTexts.For("en"),
        "OVOP Tajikistan: certified producers",
        "Producers whose products OVOP Tajikistan certified, with each certificate's standing and history.",
        "Search", "Name, product, district, HS code, certificate…", "Any", "Product category", "Region", "District", "Standing", "Stars, at least", "Sort by", "Search",
        "{0} found", "Nothing found.", "More results", "Some search fields were not understood:", "Certificates", "History", "Place", "Village", "Contact",
        "HS code", "recorded", "No certified producer has this number.", "All certified producers", "As of",
        new Dictionary<Region, string>
        {
            [Producers.Region.Sughd] = "Sughd", [Producers.Region.Khatlon] = "Khatlon", [Producers.Region.Gbao] = "GBAO (Gorno-Badakhshan)",
            [Producers.Region.DistrictsOfRepublicanSubordination] = "Districts of Republican Subordination", [Producers.Region.Dushanbe] = "Dushanbe",
        },
        new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Dried fruit", [ProductCategory.Honey] = "Honey", [ProductCategory.Textile] = "Textiles",
            [ProductCategory.Embroidery] = "Embroidery", [ProductCategory.Juice] = "Juice", [ProductCategory.FreshFruit] = "Fresh fruit",
            [ProductCategory.Confectionery] = "Confectionery", [ProductCategory.Syrup] = "Syrup", [ProductCategory.Dairy] = "Dairy",
            [ProductCategory.Silk] = "Silk", [ProductCategory.Other] = "Other",
        },
        new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Valid", [LabelStatus.Suspended] = "Suspended", [LabelStatus.Withdrawn] = "Withdrawn",
            [LabelStatus.Expired] = "Expired", [LabelStatus.Superseded] = "Replaced",
        },
        new Dictionary<DirectorySort, string>
        {
            [DirectorySort.Relevance] = "Best match", [DirectorySort.Name] = "Name", [DirectorySort.ValidUntil] = "Valid until", [DirectorySort.Stars] = "Stars",
        },
        new Dictionary<TimelineEvent, string>
        {
            [TimelineEvent.Granted] = "Certificate granted", [TimelineEvent.SurveillancePassed] = "Surveillance inspection passed",
            [TimelineEvent.Suspended] = "Suspended", [TimelineEvent.Reinstated] = "Reinstated", [TimelineEvent.Withdrawn] = "Withdrawn",
            [TimelineEvent.Surrendered] = "Surrendered by the producer", [TimelineEvent.Expired] = "Expired", [TimelineEvent.Superseded] = "Renewed: replaced by",
            [TimelineEvent.ScopeChanged] = "Scope changed",
        });

    private static readonly DirectoryTexts Russian = new(
        PageTexts.For("ru"),
        "OVOP Таджикистан: сертифицированные производители",
        "Производители, чью продукцию сертифицировал OVOP Таджикистан, со статусом и историей каждого сертификата.",
        "Поиск", "Название, продукт, район, код ТН ВЭД, сертификат…", "Любой", "Категория продукта", "Область", "Район", "Статус", "Звёзд не меньше", "Сортировка", "Найти",
        "Найдено: {0}", "Ничего не найдено.", "Ещё", "Некоторые поля поиска не распознаны:", "Сертификаты", "История", "Местоположение", "Село", "Контакты",
        "Код ТН ВЭД", "записано", "Сертифицированного производителя с таким номером нет.", "Все сертифицированные производители", "По состоянию на",
        new Dictionary<Region, string>
        {
            [Producers.Region.Sughd] = "Согдийская область", [Producers.Region.Khatlon] = "Хатлонская область", [Producers.Region.Gbao] = "ГБАО",
            [Producers.Region.DistrictsOfRepublicanSubordination] = "Районы республиканского подчинения", [Producers.Region.Dushanbe] = "Душанбе",
        },
        new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Сухофрукты", [ProductCategory.Honey] = "Мёд", [ProductCategory.Textile] = "Текстиль",
            [ProductCategory.Embroidery] = "Вышивка", [ProductCategory.Juice] = "Сок", [ProductCategory.FreshFruit] = "Свежие фрукты",
            [ProductCategory.Confectionery] = "Кондитерские изделия", [ProductCategory.Syrup] = "Сироп", [ProductCategory.Dairy] = "Молочные продукты",
            [ProductCategory.Silk] = "Шёлк", [ProductCategory.Other] = "Другое",
        },
        new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Действует", [LabelStatus.Suspended] = "Приостановлен", [LabelStatus.Withdrawn] = "Отозван",
            [LabelStatus.Expired] = "Истёк", [LabelStatus.Superseded] = "Заменён",
        },
        new Dictionary<DirectorySort, string>
        {
            [DirectorySort.Relevance] = "По совпадению", [DirectorySort.Name] = "По названию", [DirectorySort.ValidUntil] = "По сроку действия", [DirectorySort.Stars] = "По звёздам",
        },
        new Dictionary<TimelineEvent, string>
        {
            [TimelineEvent.Granted] = "Сертификат выдан", [TimelineEvent.SurveillancePassed] = "Надзорная проверка пройдена",
            [TimelineEvent.Suspended] = "Приостановлен", [TimelineEvent.Reinstated] = "Восстановлен", [TimelineEvent.Withdrawn] = "Отозван",
            [TimelineEvent.Surrendered] = "Сдан производителем", [TimelineEvent.Expired] = "Истёк", [TimelineEvent.Superseded] = "Продлён: заменён сертификатом",
            [TimelineEvent.ScopeChanged] = "Область сертификации изменена",
        });

    private static readonly DirectoryTexts Tajik = new(
        PageTexts.For("tg"),
        "OVOP Тоҷикистон: истеҳсолкунандагони сертификатсияшуда",
        "Истеҳсолкунандагоне, ки маҳсулоти онҳоро OVOP Тоҷикистон сертификатсия кардааст, бо вазъ ва таърихи ҳар сертификат.",
        "Ҷустуҷӯ", "Ном, маҳсулот, ноҳия, рамзи ТН ФИХ, сертификат…", "Ҳама", "Гурӯҳи маҳсулот", "Вилоят", "Ноҳия", "Вазъ", "Ситораҳо, на камтар аз", "Тартиб", "Ҷустуҷӯ",
        "Ёфт шуд: {0}", "Чизе ёфт нашуд.", "Боз", "Баъзе майдонҳои ҷустуҷӯ фаҳмида нашуданд:", "Сертификатҳо", "Таърих", "Ҷойгиршавӣ", "Деҳа", "Тамос",
        "Рамзи ТН ФИХ", "сабт шуд", "Истеҳсолкунандаи сертификатсияшуда бо ин рақам нест.", "Ҳамаи истеҳсолкунандагони сертификатсияшуда", "Ҳолат ба",
        new Dictionary<Region, string>
        {
            [Producers.Region.Sughd] = "Вилояти Суғд", [Producers.Region.Khatlon] = "Вилояти Хатлон", [Producers.Region.Gbao] = "ВМКБ",
            [Producers.Region.DistrictsOfRepublicanSubordination] = "Ноҳияҳои тобеи ҷумҳурӣ", [Producers.Region.Dushanbe] = "Душанбе",
        },
        new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Меваи хушк", [ProductCategory.Honey] = "Асал", [ProductCategory.Textile] = "Бофандагӣ",
            [ProductCategory.Embroidery] = "Гулдӯзӣ", [ProductCategory.Juice] = "Афшура", [ProductCategory.FreshFruit] = "Меваи тару тоза",
            [ProductCategory.Confectionery] = "Маҳсулоти қаннодӣ", [ProductCategory.Syrup] = "Шарбат", [ProductCategory.Dairy] = "Маҳсулоти ширӣ",
            [ProductCategory.Silk] = "Абрешим", [ProductCategory.Other] = "Дигар",
        },
        new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Эътибор дорад", [LabelStatus.Suspended] = "Боздошта шуд", [LabelStatus.Withdrawn] = "Бекор карда шуд",
            [LabelStatus.Expired] = "Мӯҳлаташ гузашт", [LabelStatus.Superseded] = "Иваз карда шуд",
        },
        new Dictionary<DirectorySort, string>
        {
            [DirectorySort.Relevance] = "Мувофиқат", [DirectorySort.Name] = "Ном", [DirectorySort.ValidUntil] = "Мӯҳлати эътибор", [DirectorySort.Stars] = "Ситораҳо",
        },
        new Dictionary<TimelineEvent, string>
        {
            [TimelineEvent.Granted] = "Сертификат дода шуд", [TimelineEvent.SurveillancePassed] = "Санҷиши назоратӣ гузашт",
            [TimelineEvent.Suspended] = "Боздошта шуд", [TimelineEvent.Reinstated] = "Барқарор шуд", [TimelineEvent.Withdrawn] = "Бекор карда шуд",
            [TimelineEvent.Surrendered] = "Аз ҷониби истеҳсолкунанда баргардонида шуд", [TimelineEvent.Expired] = "Мӯҳлаташ гузашт",
            [TimelineEvent.Superseded] = "Тамдид шуд: иваз шуд бо", [TimelineEvent.ScopeChanged] = "Доираи сертификат тағйир ёфт",
        });
}
