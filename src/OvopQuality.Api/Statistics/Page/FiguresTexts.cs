using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;
using LabelPageTexts = OvopQuality.Api.Labels.Page.PageTexts;
using Place = OvopQuality.Api.Producers.Region;

namespace OvopQuality.Api.Statistics.Page;

/// <summary>Every text of the figures pages in Tajik, Russian and English; the renderer hard-codes none.</summary>
public sealed record FiguresTexts
{
    public required string Language { get; init; }
    public required string Title { get; init; }
    public required string AsOf { get; init; }
    public required string Day { get; init; }
    public required string Show { get; init; }
    public required string Table { get; init; }
    public required string Footnote { get; init; }
    public required string MinistryLink { get; init; }
    public required string PublicLink { get; init; }
    public required string CertifiedProducersByRegion { get; init; }
    public required string CertifiedProducersOverTime { get; init; }
    public required string CertificatesByStanding { get; init; }
    public required string ValidByCategory { get; init; }
    public required string ValidByStars { get; init; }
    public required string LabelsPerMonth { get; init; }
    public required string ComplaintsPerMonth { get; init; }
    public required string ComplaintsSoFar { get; init; }
    public required string DaysToDecision { get; init; }
    public required string Received { get; init; }
    public required string Resolved { get; init; }
    public required string Mean { get; init; }
    public required string Median { get; init; }
    public required string P90 { get; init; }
    public required string Count { get; init; }
    public required string Region { get; init; }
    public required string Month { get; init; }
    public required string Standing { get; init; }
    public required string Category { get; init; }
    public required string Stars { get; init; }
    public required string Producers { get; init; }
    public required string Certificates { get; init; }
    public required string Labels { get; init; }
    public required string None { get; init; }
    public required string Days { get; init; }
    public required IReadOnlyDictionary<Place, string> Regions { get; init; }
    public required IReadOnlyDictionary<LabelStatus, string> Standings { get; init; }
    public required IReadOnlyDictionary<ProductCategory, string> Categories { get; init; }
    public required MinistryTexts Ministry { get; init; }

    public static readonly IReadOnlyList<string> Languages = LabelPageTexts.Languages;

    /// <summary>The language asked for, else the browser's first the pages speak, else English: the verification page's rule.</summary>
    public static FiguresTexts For(string? asked, string? acceptLanguage) => LabelPageTexts.Choose(asked, acceptLanguage) switch
    {
        "tg" => Tajik,
        "ru" => Russian,
        _ => English,
    };

    private static readonly FiguresTexts English = new()
    {
        Language = "en",
        Title = "The OVOP programme in figures",
        AsOf = "As it stood on",
        Day = "Day",
        Show = "Show",
        Table = "The figures as a table",
        Footnote = "Figures as they stood at the close of the chosen day (Dushanbe time), as known today. No names, numbers or findings are published here.",
        MinistryLink = "Ministry view (sign-in)",
        PublicLink = "Public figures",
        CertifiedProducersByRegion = "Producers with a valid certificate, by region",
        CertifiedProducersOverTime = "Producers with a valid certificate, month by month",
        CertificatesByStanding = "Certificates granted, by standing",
        ValidByCategory = "Valid certificates by product category",
        ValidByStars = "Valid certificates by stars",
        LabelsPerMonth = "Labels issued per month",
        ComplaintsPerMonth = "Complaints received and resolved per month",
        ComplaintsSoFar = "Complaints, all received by the day",
        DaysToDecision = "Days from application to decision",
        Received = "Received",
        Resolved = "Resolved",
        Mean = "Average",
        Median = "Median",
        P90 = "90th percentile",
        Count = "Number",
        Region = "Region",
        Month = "Month",
        Standing = "Standing",
        Category = "Category",
        Stars = "Stars",
        Producers = "Producers",
        Certificates = "Certificates",
        Labels = "Labels",
        None = "none yet",
        Days = "days",
        Regions = new Dictionary<Place, string>
        {
            [Place.Sughd] = "Sughd", [Place.Khatlon] = "Khatlon", [Place.Gbao] = "GBAO",
            [Place.DistrictsOfRepublicanSubordination] = "Districts of Republican Subordination", [Place.Dushanbe] = "Dushanbe",
        },
        Standings = new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Valid", [LabelStatus.Suspended] = "Suspended", [LabelStatus.Withdrawn] = "Withdrawn",
            [LabelStatus.Expired] = "Expired", [LabelStatus.Superseded] = "Replaced by a renewal",
        },
        Categories = new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Dried fruit", [ProductCategory.Honey] = "Honey", [ProductCategory.Textile] = "Textiles",
            [ProductCategory.Embroidery] = "Embroidery", [ProductCategory.Juice] = "Juice", [ProductCategory.FreshFruit] = "Fresh fruit",
            [ProductCategory.Confectionery] = "Confectionery", [ProductCategory.Syrup] = "Syrup", [ProductCategory.Dairy] = "Dairy",
            [ProductCategory.Silk] = "Silk", [ProductCategory.Other] = "Other",
        },
        Ministry = new MinistryTexts(
            "The programme in figures: ministry view", "Access token", "Show the figures", "Forget the token",
            "The token stays in this browser tab only and is sent only to this service.",
            "This token may not see the ministry's figures, or it has expired: enter another.", "The figures could not be loaded:", "Loading…",
            "Lead times per stage, in days", "Median days per stage",
            new Dictionary<LeadTimeStage, string>
            {
                [LeadTimeStage.ApplicationToInspection] = "Application → first inspection", [LeadTimeStage.InspectionToDecision] = "Inspection → decision",
                [LeadTimeStage.DecisionToLabels] = "Decision → first labels", [LeadTimeStage.ApplicationToDecision] = "Application → decision (whole way)",
            },
            "Stage", "Certificates expiring within 90 days with no renewal filed", "Surveillance overdue", "Producers by city", "Producers by district",
            "Certificate", "Producer", "Product", "Valid until", "Days left", "Round", "Due on", "Days overdue", "City", "District", "Certified",
            "Producers whose address names none of these cities", "Download CSV",
            "A city is counted when a producer's district or village is that city's name."),
    };

    private static readonly FiguresTexts Russian = new()
    {
        Language = "ru",
        Title = "Программа OVOP в цифрах",
        AsOf = "По состоянию на",
        Day = "Дата",
        Show = "Показать",
        Table = "Данные таблицей",
        Footnote = "Данные на конец выбранного дня (время Душанбе), как они известны сегодня. Имена, номера и замечания здесь не публикуются.",
        MinistryLink = "Для министерства (вход)",
        PublicLink = "Открытые данные",
        CertifiedProducersByRegion = "Производители с действующим сертификатом, по регионам",
        CertifiedProducersOverTime = "Производители с действующим сертификатом, по месяцам",
        CertificatesByStanding = "Выданные сертификаты, по статусу",
        ValidByCategory = "Действующие сертификаты по категориям продукции",
        ValidByStars = "Действующие сертификаты по числу звёзд",
        LabelsPerMonth = "Выдано этикеток за месяц",
        ComplaintsPerMonth = "Жалобы за месяц: получено и рассмотрено",
        ComplaintsSoFar = "Жалобы, все полученные к этой дате",
        DaysToDecision = "Дней от заявки до решения",
        Received = "Получено",
        Resolved = "Рассмотрено",
        Mean = "Среднее",
        Median = "Медиана",
        P90 = "90-й процентиль",
        Count = "Число",
        Region = "Регион",
        Month = "Месяц",
        Standing = "Статус",
        Category = "Категория",
        Stars = "Звёзды",
        Producers = "Производители",
        Certificates = "Сертификаты",
        Labels = "Этикетки",
        None = "пока нет",
        Days = "дн.",
        Regions = new Dictionary<Place, string>
        {
            [Place.Sughd] = "Согдийская область", [Place.Khatlon] = "Хатлонская область", [Place.Gbao] = "ГБАО",
            [Place.DistrictsOfRepublicanSubordination] = "Районы республиканского подчинения", [Place.Dushanbe] = "Душанбе",
        },
        Standings = new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Действует", [LabelStatus.Suspended] = "Приостановлен", [LabelStatus.Withdrawn] = "Отозван",
            [LabelStatus.Expired] = "Истёк", [LabelStatus.Superseded] = "Заменён при продлении",
        },
        Categories = new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Сухофрукты", [ProductCategory.Honey] = "Мёд", [ProductCategory.Textile] = "Текстиль",
            [ProductCategory.Embroidery] = "Вышивка", [ProductCategory.Juice] = "Соки", [ProductCategory.FreshFruit] = "Свежие фрукты",
            [ProductCategory.Confectionery] = "Кондитерские изделия", [ProductCategory.Syrup] = "Сиропы", [ProductCategory.Dairy] = "Молочные продукты",
            [ProductCategory.Silk] = "Шёлк", [ProductCategory.Other] = "Другое",
        },
        Ministry = new MinistryTexts(
            "Программа в цифрах: для министерства", "Токен доступа", "Показать данные", "Забыть токен",
            "Токен хранится только в этой вкладке браузера и отправляется только этому сервису.",
            "С этим токеном данные министерства недоступны, или его срок истёк: введите другой.", "Не удалось загрузить данные:", "Загрузка…",
            "Сроки по этапам, в днях", "Медиана дней по этапам",
            new Dictionary<LeadTimeStage, string>
            {
                [LeadTimeStage.ApplicationToInspection] = "Заявка → первая инспекция", [LeadTimeStage.InspectionToDecision] = "Инспекция → решение",
                [LeadTimeStage.DecisionToLabels] = "Решение → первые этикетки", [LeadTimeStage.ApplicationToDecision] = "Заявка → решение (весь путь)",
            },
            "Этап", "Сертификаты, истекающие в течение 90 дней, без заявки на продление", "Просроченный надзор", "Производители по городам", "Производители по районам",
            "Сертификат", "Производитель", "Продукт", "Действует до", "Осталось дней", "Раунд", "Срок", "Дней просрочки", "Город", "Район", "С сертификатом",
            "Производители, в адресе которых нет ни одного из этих городов", "Скачать CSV",
            "Город засчитывается, если район или село в адресе производителя называется именем этого города."),
    };

    private static readonly FiguresTexts Tajik = new()
    {
        Language = "tg",
        Title = "Барномаи OVOP дар рақамҳо",
        AsOf = "Вазъ то",
        Day = "Сана",
        Show = "Нишон додан",
        Table = "Рақамҳо дар ҷадвал",
        Footnote = "Рақамҳо дар охири рӯзи интихобшуда (вақти Душанбе), тавре ки имрӯз маълум аст. Ном, рақам ва камбудиҳо дар ин ҷо нашр намешаванд.",
        MinistryLink = "Барои вазорат (воридшавӣ)",
        PublicLink = "Рақамҳои ошкоро",
        CertifiedProducersByRegion = "Истеҳсолкунандагони дорои сертификати амалкунанда, аз рӯи минтақаҳо",
        CertifiedProducersOverTime = "Истеҳсолкунандагони дорои сертификати амалкунанда, моҳ ба моҳ",
        CertificatesByStanding = "Сертификатҳои додашуда, аз рӯи ҳолат",
        ValidByCategory = "Сертификатҳои амалкунанда аз рӯи навъи маҳсулот",
        ValidByStars = "Сертификатҳои амалкунанда аз рӯи ситораҳо",
        LabelsPerMonth = "Тамғаҳои додашуда дар як моҳ",
        ComplaintsPerMonth = "Шикоятҳо дар як моҳ: воридшуда ва ҳалшуда",
        ComplaintsSoFar = "Шикоятҳо, ҳамаи то ин сана воридшуда",
        DaysToDecision = "Рӯзҳо аз ариза то қарор",
        Received = "Воридшуда",
        Resolved = "Ҳалшуда",
        Mean = "Миёна",
        Median = "Медиана",
        P90 = "Персентили 90",
        Count = "Шумора",
        Region = "Минтақа",
        Month = "Моҳ",
        Standing = "Ҳолат",
        Category = "Навъ",
        Stars = "Ситораҳо",
        Producers = "Истеҳсолкунандагон",
        Certificates = "Сертификатҳо",
        Labels = "Тамғаҳо",
        None = "ҳанӯз нест",
        Days = "рӯз",
        Regions = new Dictionary<Place, string>
        {
            [Place.Sughd] = "Вилояти Суғд", [Place.Khatlon] = "Вилояти Хатлон", [Place.Gbao] = "ВМКБ",
            [Place.DistrictsOfRepublicanSubordination] = "Ноҳияҳои тобеи ҷумҳурӣ", [Place.Dushanbe] = "Душанбе",
        },
        Standings = new Dictionary<LabelStatus, string>
        {
            [LabelStatus.Valid] = "Амалкунанда", [LabelStatus.Suspended] = "Боздошташуда", [LabelStatus.Withdrawn] = "Бозхондашуда",
            [LabelStatus.Expired] = "Мӯҳлаташ гузашта", [LabelStatus.Superseded] = "Ҳангоми тамдид ивазшуда",
        },
        Categories = new Dictionary<ProductCategory, string>
        {
            [ProductCategory.DriedFruit] = "Меваи хушк", [ProductCategory.Honey] = "Асал", [ProductCategory.Textile] = "Матоъ",
            [ProductCategory.Embroidery] = "Гулдӯзӣ", [ProductCategory.Juice] = "Шарбат", [ProductCategory.FreshFruit] = "Меваи тару тоза",
            [ProductCategory.Confectionery] = "Маҳсулоти қаннодӣ", [ProductCategory.Syrup] = "Шира", [ProductCategory.Dairy] = "Маҳсулоти ширӣ",
            [ProductCategory.Silk] = "Абрешим", [ProductCategory.Other] = "Дигар",
        },
        Ministry = new MinistryTexts(
            "Барнома дар рақамҳо: барои вазорат", "Токени дастрасӣ", "Нишон додани рақамҳо", "Токенро фаромӯш кардан",
            "Токен танҳо дар ҳамин равзанаи браузер нигоҳ дошта мешавад ва танҳо ба ҳамин хидмат фиристода мешавад.",
            "Бо ин токен рақамҳои вазорат дастрас нестанд ё мӯҳлаташ гузаштааст: токени дигар ворид кунед.", "Рақамҳоро бор карда нашуд:", "Бор шуда истодааст…",
            "Мӯҳлатҳо аз рӯи марҳилаҳо, бо рӯз", "Медианаи рӯзҳо аз рӯи марҳилаҳо",
            new Dictionary<LeadTimeStage, string>
            {
                [LeadTimeStage.ApplicationToInspection] = "Ариза → санҷиши аввал", [LeadTimeStage.InspectionToDecision] = "Санҷиш → қарор",
                [LeadTimeStage.DecisionToLabels] = "Қарор → тамғаҳои аввал", [LeadTimeStage.ApplicationToDecision] = "Ариза → қарор (тамоми роҳ)",
            },
            "Марҳила", "Сертификатҳое, ки дар 90 рӯз мӯҳлаташон мегузарад ва аризаи тамдид надоранд", "Назорати мӯҳлаташ гузашта",
            "Истеҳсолкунандагон аз рӯи шаҳрҳо", "Истеҳсолкунандагон аз рӯи ноҳияҳо",
            "Сертификат", "Истеҳсолкунанда", "Маҳсулот", "Эътибор то", "Рӯзҳои боқимонда", "Давра", "Мӯҳлат", "Рӯзҳои гузашта", "Шаҳр", "Ноҳия", "Бо сертификат",
            "Истеҳсолкунандагоне, ки дар суроғаашон ҳеҷ яке аз ин шаҳрҳо нест", "Боргирии CSV",
            "Шаҳр ба ҳисоб гирифта мешавад, агар ноҳия ё деҳаи суроғаи истеҳсолкунанда номи ҳамон шаҳр бошад."),
    };
}

/// <summary>The ministry page's texts, in one language.</summary>
public sealed record MinistryTexts(
    string Title,
    string TokenLabel,
    string SignIn,
    string SignOut,
    string TokenHint,
    string Refused,
    string Failed,
    string Loading,
    string LeadTimes,
    string MedianPerStage,
    IReadOnlyDictionary<LeadTimeStage, string> Stages,
    string Stage,
    string Expiring,
    string Overdue,
    string ByCity,
    string ByDistrict,
    string Certificate,
    string Producer,
    string Product,
    string ValidUntil,
    string DaysLeft,
    string Round,
    string DueOn,
    string DaysOverdue,
    string City,
    string District,
    string Certified,
    string Elsewhere,
    string DownloadCsv,
    string CityRule);
