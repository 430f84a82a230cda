using System.Globalization;
using Marten.Events.Aggregation;
using OvopQuality.Api.Certification;
using OvopQuality.Api.Complaints;

namespace OvopQuality.Api.Producers.Notifying;

/// <summary>
/// Something a producer should be told about one of its files, kept as the facts it rests on (which
/// certificate, which dates, the body's own words where it wrote some), never as a sentence: the
/// sentence is written when the producer reads it, in the producer's language.
/// </summary>
public sealed record Notice(
    DateTimeOffset At, string Kind, string? CertificateNumber, DateOnly? On = null, DateOnly? Until = null, int? Count = null, string? Words = null, string? OtherNumber = null);

/// <summary>
/// The notices of one certification file, for its producer (and staff acting for it): read by
/// <c>GET /api/producers/{id}/notifications</c> and nothing else. Kept inline.
/// </summary>
public sealed record FileNotices(Guid Id, Guid ProducerId, string? CertificateNumber, IReadOnlyList<Notice> Notices)
{
    public long Version { get; set; }
}

public sealed partial class FileNoticesProjection : SingleStreamProjection<FileNotices, Guid>
{
    public static FileNotices Create(ApplicationSubmitted e) => new(e.FileId, e.ProducerId, null, []);

    public static FileNotices Apply(StandardMet e, FileNotices notices) =>
        Add(notices with { CertificateNumber = e.CertificateNumber },
            new(e.DecidedAt, "granted", e.CertificateNumber, e.ValidFrom, e.ValidUntil, Count: e.Stars));

    public static FileNotices Apply(CertificationRefused e, FileNotices notices) =>
        Add(notices, new(e.DecidedAt, "refused", null, Words: string.Join("; ", e.Reasons)));

    public static FileNotices Apply(InspectionRecorded e, FileNotices notices) =>
        e.Findings.Aggregate(notices, (n, f) => Add(n, new(e.RecordedAt, "findingRaised", n.CertificateNumber, Until: f.Deadline, Words: f.Description)));

    public static FileNotices Apply(FindingRaised e, FileNotices notices) =>
        Add(notices, new(e.At, "findingRaised", notices.CertificateNumber, Until: e.Finding.Deadline, Words: e.Finding.Description));

    public static FileNotices Apply(CorrectiveActionAccepted e, FileNotices notices) =>
        Add(notices, new(e.At, "correctiveActionAccepted", notices.CertificateNumber));

    public static FileNotices Apply(CorrectiveActionRejected e, FileNotices notices) =>
        Add(notices, new(e.At, "correctiveActionRejected", notices.CertificateNumber, Words: e.Reason));

    public static FileNotices Apply(AppealDecided e, FileNotices notices) =>
        Add(notices, new(e.At, e.Upheld ? "appealUpheld" : "appealDismissed", notices.CertificateNumber, Words: e.Reasoning));

    public static FileNotices Apply(ScopeChanged e, FileNotices notices) =>
        Add(notices, new(e.DecidedAt, "scopeChanged", notices.CertificateNumber, Day(e.EffectiveFrom), Count: e.CertifiedUnits, Words: e.Scope));

    public static FileNotices Apply(LabelsIssued e, FileNotices notices) =>
        Add(notices, new(e.IssuedAt, "labelsIssued", notices.CertificateNumber, Count: e.Quantity, Words: e.Lot));

    public static FileNotices Apply(CertificateSuspended e, FileNotices notices) =>
        Add(notices, new(e.DecidedAt, "suspended", notices.CertificateNumber, Day(e.EffectiveFrom), Day(e.WithdrawOn), Words: e.Reason));

    public static FileNotices Apply(CertificateReinstated e, FileNotices notices) =>
        Add(notices, new(e.DecidedAt, "reinstated", notices.CertificateNumber, Day(e.EffectiveFrom)));

    public static FileNotices Apply(CertificateWithdrawn e, FileNotices notices) =>
        Add(notices, new(e.DecidedAt, "withdrawn", notices.CertificateNumber, Day(e.EffectiveFrom), Words: e.Reason));

    public static FileNotices Apply(CertificateSurrendered e, FileNotices notices) =>
        Add(notices, new(e.At, "surrendered", notices.CertificateNumber, Day(e.EffectiveFrom), Words: e.Reason));

    public static FileNotices Apply(WithdrawalOverturned e, FileNotices notices) =>
        Add(notices, new(e.At, "reinstated", notices.CertificateNumber, Day(e.EffectiveFrom)));

    public static FileNotices Apply(CertificateExpired e, FileNotices notices) =>
        Add(notices, new(e.At, "expired", notices.CertificateNumber));

    public static FileNotices Apply(CertificateSuperseded e, FileNotices notices) =>
        Add(notices, new(e.At, "superseded", notices.CertificateNumber, OtherNumber: e.ByCertificateNumber));

    public static FileNotices Apply(ExpiryReminderDue e, FileNotices notices) =>
        Add(notices, new(e.At, "expiryReminder", e.CertificateNumber, Until: e.ValidUntil, Count: e.DaysBefore));

    public static FileNotices Apply(SurveillanceFellDue e, FileNotices notices) =>
        Add(notices, new(e.At, "surveillanceDue", notices.CertificateNumber, e.DueOn, Count: e.Round));

    private static FileNotices Add(FileNotices notices, Notice notice) => notices with { Notices = [.. notices.Notices, notice] };

    private static DateOnly Day(DateTimeOffset instant) => ProgrammeTime.DayOf(instant);
}

/// <summary>The sentences of the producer's notices in Tajik, Russian and English; the body's own words (a reason, an answer) stay as written.</summary>
public static class NoticeTexts
{
    public static string Render(Notice n, string language)
    {
        var number = n.CertificateNumber;
        var on = n.On?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var until = n.Until?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (n.Kind, language) switch
        {
            ("suspended", "tg") => $"Сертификати {number} аз {on} боздошта шуд: {n.Words}. Агар барқарор нашавад, {until} бозхонда мешавад.",
            ("suspended", "ru") => $"Сертификат {number} приостановлен с {on}: {n.Words}. Если его не восстановят, {until} он будет отозван.",
            ("suspended", _) => $"Certificate {number} is suspended from {on}: {n.Words}. It is withdrawn on {until} unless reinstated.",
            ("reinstated", "tg") => $"Сертификати {number} аз {on} боз эътибор дорад.",
            ("reinstated", "ru") => $"Сертификат {number} снова действует с {on}.",
            ("reinstated", _) => $"Certificate {number} is in force again from {on}.",
            ("withdrawn", "tg") => $"Сертификати {number} аз {on} бозхонда шуд: {n.Words}",
            ("withdrawn", "ru") => $"Сертификат {number} отозван с {on}: {n.Words}",
            ("withdrawn", _) => $"Certificate {number} is withdrawn from {on}: {n.Words}",
            ("surrendered", "tg") => $"Сертификати {number} аз {on} бо дархости шумо қатъ гардид: {n.Words}",
            ("surrendered", "ru") => $"Действие сертификата {number} прекращено с {on} по вашему заявлению: {n.Words}",
            ("surrendered", _) => $"Certificate {number} is surrendered from {on} at your request: {n.Words}",
            ("expired", "tg") => $"Мӯҳлати сертификати {number} ба охир расид. Барои идомаи истифодаи тамғаҳои OVOP аризаи тамдид пешниҳод кунед.",
            ("expired", "ru") => $"Срок действия сертификата {number} истёк. Чтобы и дальше пользоваться знаками OVOP, подайте заявку на продление.",
            ("expired", _) => $"Certificate {number} has expired. Apply for renewal to go on using OVOP labels.",
            ("superseded", "tg") => $"Ба ҷои сертификати {number} сертификати тамдидшудаи {n.OtherNumber} амал мекунад.",
            ("superseded", "ru") => $"Сертификат {number} заменён продлённым сертификатом {n.OtherNumber}.",
            ("superseded", _) => $"Certificate {number} is replaced by the renewed certificate {n.OtherNumber}.",
            ("expiryReminder", "tg") => $"Мӯҳлати сертификати {number} пас аз {n.Count} рӯз, баъди {until}, ба охир мерасад: аризаи тамдидро сари вақт пешниҳод кунед.",
            ("expiryReminder", "ru") => $"Срок действия сертификата {number} истекает через {n.Count} дн., после {until}: подайте заявку на продление вовремя.",
            ("expiryReminder", _) => $"Certificate {number} expires in {n.Count} days, after {until}: apply for renewal in time.",
            ("surveillanceDue", "tg") => $"Санҷиши назоратии {n.Count}-уми сертификати {number} аз {on} бояд гузаронида шавад.",
            ("surveillanceDue", "ru") => $"Инспекционный контроль № {n.Count} по сертификату {number} должен пройти начиная с {on}.",
            ("surveillanceDue", _) => $"Surveillance inspection {n.Count} of certificate {number} is due from {on}.",
            ("granted", "tg") => $"Сертификати {number} дода шуд: {n.Count} ситора, аз {on} то {until}.",
            ("granted", "ru") => $"Выдан сертификат {number}: {n.Count} зв., действует с {on} по {until}.",
            ("granted", _) => $"Certificate {number} is granted: {n.Count} stars, valid from {on} to {until}.",
            ("refused", "tg") => $"Дар додани сертификат рад карда шуд: {n.Words}. Шумо метавонед шикоят (аппелятсия) пешниҳод кунед.",
            ("refused", "ru") => $"В сертификации отказано: {n.Words}. Вы можете подать апелляцию.",
            ("refused", _) => $"Certification is refused: {n.Words}. You may appeal.",
            ("findingRaised", "tg") => $"Номувофиқӣ ошкор шуд: {n.Words}. Чораи ислоҳиро то {until} пешниҳод кунед.",
            ("findingRaised", "ru") => $"Выявлено несоответствие: {n.Words}. Представьте корректирующее действие до {until}.",
            ("findingRaised", _) => $"A non-conformity was found: {n.Words}. Submit a corrective action by {until}.",
            ("correctiveActionAccepted", "tg") => "Чораи ислоҳии шумо қабул шуд; номувофиқӣ бартараф гардид.",
            ("correctiveActionAccepted", "ru") => "Ваше корректирующее действие принято; несоответствие закрыто.",
            ("correctiveActionAccepted", _) => "Your corrective action is accepted; the non-conformity is closed.",
            ("correctiveActionRejected", "tg") => $"Чораи ислоҳии шумо қабул нашуд: {n.Words}",
            ("correctiveActionRejected", "ru") => $"Ваше корректирующее действие не принято: {n.Words}",
            ("correctiveActionRejected", _) => $"Your corrective action is not accepted: {n.Words}",
            ("appealUpheld", "tg") => $"Шикояти (аппелятсияи) шумо қонеъ гардид: {n.Words}",
            ("appealUpheld", "ru") => $"Ваша апелляция удовлетворена: {n.Words}",
            ("appealUpheld", _) => $"Your appeal is upheld: {n.Words}",
            ("appealDismissed", "tg") => $"Шикояти (аппелятсияи) шумо рад карда шуд: {n.Words}",
            ("appealDismissed", "ru") => $"Ваша апелляция отклонена: {n.Words}",
            ("appealDismissed", _) => $"Your appeal is dismissed: {n.Words}",
            ("scopeChanged", "tg") => $"Доираи сертификати {number} аз {on} тағйир ёфт: {n.Words} ({n.Count} адад дар як сол).",
            ("scopeChanged", "ru") => $"Область сертификата {number} изменена с {on}: {n.Words} ({n.Count} ед. в год).",
            ("scopeChanged", _) => $"The scope of certificate {number} changed from {on}: {n.Words} ({n.Count} units a year).",
            ("labelsIssued", "tg") => $"{n.Count} тамға барои партияи {n.Words} дода шуд.",
            ("labelsIssued", "ru") => $"Выдано знаков: {n.Count} для партии {n.Words}.",
            ("labelsIssued", _) => $"{n.Count} labels were issued for lot {n.Words}.",
            _ => n.Kind,
        };
    }

    /// <summary>What the producer is told of a complaint about its certificate: what was said, never who said it.</summary>
    public static IEnumerable<(DateTimeOffset At, string Kind, string Message)> About(Complaint c, string language)
    {
        var category = Category(c.Category, language);
        yield return (c.ReceivedAt, "complaintReceived", language switch
        {
            "tg" => $"Шикояти {c.Reference} ({category}) қабул шуд: {c.Description}",
            "ru" => $"Получена жалоба {c.Reference} ({category}): {c.Description}",
            _ => $"Complaint {c.Reference} ({category}) received: {c.Description}",
        });
        if (c is { Outcome: { } outcome, ResolvedAt: { } resolvedAt })
        {
            var upheld = outcome == ComplaintOutcome.Upheld;
            var action = c.ActionTaken is null ? "" : language switch
            {
                "tg" => $" Чораи андешидашуда: {c.ActionTaken}",
                "ru" => $" Принятые меры: {c.ActionTaken}",
                _ => $" Action taken: {c.ActionTaken}",
            };
            yield return (resolvedAt, "complaintResolved", language switch
            {
                "tg" => $"Шикояти {c.Reference} баррасӣ шуд, {(upheld ? "асоснок дониста шуд" : "асоснок дониста нашуд")}: {c.Answer}{action}",
                "ru" => $"Жалоба {c.Reference} рассмотрена, {(upheld ? "признана обоснованной" : "признана необоснованной")}: {c.Answer}{action}",
                _ => $"Complaint {c.Reference} resolved, {(upheld ? "upheld" : "not upheld")}: {c.Answer}{action}",
            });
        }
    }

    private static string Category(ComplaintCategory category, string language) => (category, language) switch
    {
        (ComplaintCategory.CounterfeitLabel, "tg") => "тамғаи қалбакӣ",
        (ComplaintCategory.CounterfeitLabel, "ru") => "поддельный знак",
        (ComplaintCategory.CounterfeitLabel, _) => "counterfeit label",
        (ComplaintCategory.ProductQuality, "tg") => "сифати маҳсулот",
        (ComplaintCategory.ProductQuality, "ru") => "качество продукции",
        (ComplaintCategory.ProductQuality, _) => "product quality",
        (ComplaintCategory.MisuseOfMark, "tg") => "истифодаи нодурусти тамға",
        (ComplaintCategory.MisuseOfMark, "ru") => "неправомерное использование знака",
        (ComplaintCategory.MisuseOfMark, _) => "misuse of the mark",
        (ComplaintCategory.ConductOfTheBody, "tg") => "рафтори мақоми сертификатсия",
        (ComplaintCategory.ConductOfTheBody, "ru") => "действия органа по сертификации",
        (ComplaintCategory.ConductOfTheBody, _) => "conduct of the body",
        (_, "tg") => "дигар",
        (_, "ru") => "другое",
        _ => "other",
    };
}
