using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Labels.Page;

/// <summary>Every text of the verification page in Tajik, Russian and English; none is hard-coded elsewhere.</summary>
public sealed record PageTexts(
    string Language,
    string Title,
    string Valid,
    string Suspended,
    string Withdrawn,
    string Expired,
    string Superseded,
    string Revoked,
    string Unknown,
    string Product,
    string Producer,
    string Certificate,
    string Standard,
    string Stars,
    string ValidFromTo,
    string Lot,
    string Since,
    string ReplacedBy,
    string UnknownExplained,
    string CheckedAt,
    string SignatureChecking,
    string SignatureValid,
    string SignatureInvalid,
    string SignatureAbsent,
    string Warning,
    Func<ReasonClass?, string> Reason,
    ReportTexts Report)
{
    public static readonly IReadOnlyList<string> Languages = ["tg", "ru", "en"];

    public string Verdict(LabelStatus status) => status switch
    {
        LabelStatus.Valid => Valid,
        LabelStatus.Suspended => Suspended,
        LabelStatus.Withdrawn => Withdrawn,
        LabelStatus.Expired => Expired,
        LabelStatus.Superseded => Superseded,
        LabelStatus.Revoked => Revoked,
        _ => Unknown,
    };

    public static PageTexts For(string language) => language switch
    {
        "tg" => Tajik,
        "ru" => Russian,
        _ => English,
    };

    /// <summary>The language asked for, else the first of the browser's languages the page speaks, else English.</summary>
    public static string Choose(string? asked, string? acceptLanguage)
    {
        if (asked is not null && Languages.Contains(asked))
        {
            return asked;
        }

        var preferred = (acceptLanguage ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split(';')[0].Trim().ToLowerInvariant())
            .Select(tag => tag.Split('-')[0])
            .FirstOrDefault(Languages.Contains);
        return preferred ?? "en";
    }

    private static readonly PageTexts English = new(
        "en", "OVOP label check", "GENUINE AND VALID", "SUSPENDED", "WITHDRAWN", "EXPIRED", "REPLACED", "REVOKED", "NOT FOUND",
        "Product", "Producer", "Certificate", "Standard", "Stars", "Valid", "Lot", "since", "Replaced by certificate",
        "This code was never issued by OVOP Tajikistan. The product may not be genuine.",
        "Checked", "Checking the signature in the code…", "Signature checked: issued by OVOP Tajikistan, not altered.",
        "The signature does not match: this label was altered or forged.", "No signed data in this link: status checked online only.",
        "Warning",
        CertificateStanding.Describe,
        new ReportTexts(
            "Report a problem with this product", "What is wrong?", "The label looks copied or forged", "The product is not what the label promises",
            "The OVOP mark is used where it should not be", "Something else", "What did you see? Where and when?",
            "Your name and phone or e-mail, if you want an answer (optional)", "Send",
            "Sent. Your complaint number is {0}. Keep this key to follow it: {1}", "Could not send:"));

    private static readonly PageTexts Russian = new(
        "ru", "Проверка знака OVOP", "ПОДЛИННЫЙ И ДЕЙСТВУЮЩИЙ", "ПРИОСТАНОВЛЕН", "ОТОЗВАН", "ИСТЁК", "ЗАМЕНЁН", "АННУЛИРОВАН", "НЕ НАЙДЕН",
        "Продукт", "Производитель", "Сертификат", "Стандарт", "Звёзды", "Действует", "Партия", "с", "Заменён сертификатом",
        "Этот код никогда не выдавался OVOP Таджикистана. Товар может быть поддельным.",
        "Проверено", "Проверка подписи в коде…", "Подпись проверена: выдано OVOP Таджикистана, без изменений.",
        "Подпись не совпадает: знак изменён или подделан.", "В ссылке нет подписанных данных: статус проверен только онлайн.",
        "Внимание",
        reason => reason switch
        {
            ReasonClass.SurveillanceFailed => "инспекционный контроль выявил несоответствие стандарту",
            ReasonClass.NonConformity => "несоответствия не устранены",
            ReasonClass.LabResultOutOfLimits => "результаты лаборатории вне допустимых пределов",
            ReasonClass.ComplaintUpheld => "жалоба на продукт признана обоснованной",
            ReasonClass.MisuseOfLabels => "знаки использовались неправомерно",
            ReasonClass.ProducerRequest => "по просьбе производителя",
            ReasonClass.SuspensionCapReached => "приостановлен на максимальный срок",
            _ => "решение органа по сертификации",
        },
        new ReportTexts(
            "Сообщить о проблеме с этим товаром", "Что не так?", "Знак выглядит скопированным или поддельным", "Товар не соответствует тому, что обещает знак",
            "Знак OVOP используется не по назначению", "Другое", "Что вы увидели? Где и когда?",
            "Ваше имя и телефон или e-mail, если хотите получить ответ (необязательно)", "Отправить",
            "Отправлено. Номер вашей жалобы: {0}. Сохраните ключ, чтобы следить за ней: {1}", "Не удалось отправить:"));

    private static readonly PageTexts Tajik = new(
        "tg", "Санҷиши тамғаи OVOP", "АСЛӢ ВА ЭЪТИБОРНОК", "БОЗДОШТА ШУД", "БЕКОР КАРДА ШУД", "МӮҲЛАТАШ ГУЗАШТ", "ИВАЗ КАРДА ШУД", "ЛАҒВ ШУД", "ЁФТ НАШУД",
        "Маҳсулот", "Истеҳсолкунанда", "Сертификат", "Стандарт", "Ситораҳо", "Эътибор дорад", "Партия", "аз", "Иваз шуд бо сертификати",
        "Ин рамз ҳеҷ гоҳ аз ҷониби OVOP Тоҷикистон дода нашудааст. Мумкин аст маҳсулот қалбакӣ бошад.",
        "Санҷида шуд", "Санҷиши имзо дар рамз…", "Имзо санҷида шуд: аз ҷониби OVOP Тоҷикистон дода шудааст, тағйир наёфтааст.",
        "Имзо мувофиқат намекунад: тамға тағйир ёфта ё қалбакӣ аст.", "Дар истинод маълумоти имзошуда нест: вазъ танҳо онлайн санҷида шуд.",
        "Диққат",
        reason => reason switch
        {
            ReasonClass.SurveillanceFailed => "санҷиши назоратӣ номувофиқатиро ба стандарт ошкор кард",
            ReasonClass.NonConformity => "номувофиқатиҳо бартараф нашуданд",
            ReasonClass.LabResultOutOfLimits => "натиҷаҳои лабораторӣ аз ҳудуд берун буданд",
            ReasonClass.ComplaintUpheld => "шикоят нисбат ба маҳсулот асоснок дониста шуд",
            ReasonClass.MisuseOfLabels => "тамғаҳо нодуруст истифода шуданд",
            ReasonClass.ProducerRequest => "бо дархости истеҳсолкунанда",
            ReasonClass.SuspensionCapReached => "ба муҳлати ниҳоӣ боздошта шуда буд",
            _ => "қарори мақоми сертификатсия",
        },
        new ReportTexts(
            "Дар бораи мушкилии ин маҳсулот хабар диҳед", "Чӣ нодуруст аст?", "Тамға нусхабардорӣ ё қалбакӣ менамояд", "Маҳсулот ба ваъдаи тамға мувофиқ нест",
            "Нишони OVOP бе ҳуқуқ истифода мешавад", "Чизи дигар", "Шумо чӣ дидед? Дар куҷо ва кай?",
            "Ном ва телефон ё почтаи электронии шумо, агар ҷавоб хоҳед (ихтиёрӣ)", "Фиристодан",
            "Фиристода шуд. Рақами шикояти шумо: {0}. Ин калидро барои пайгирӣ нигоҳ доред: {1}", "Фиристода нашуд:"));
}

/// <summary>The page's form for reporting a problem (a complaint), in one language.</summary>
public sealed record ReportTexts(
    string Title,
    string What,
    string Counterfeit,
    string Quality,
    string Misuse,
    string Other,
    string Description,
    string Contact,
    string Send,
    string Sent,
    string Failed);
