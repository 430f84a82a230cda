using Wolverine;

namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>The certificate valid until <see cref="ValidUntil"/> has reached its end.</summary>
public sealed record ExpireCertificate(Guid FileId, DateOnly ValidUntil);

/// <summary>Remind the producer that the certificate ends in <see cref="DaysBefore"/> days.</summary>
public sealed record RemindOfExpiry(Guid FileId, int DaysBefore, DateOnly ValidUntil);

/// <summary>A surveillance inspection falls due.</summary>
public sealed record SurveillanceFallsDue(Guid FileId, int Round, DateOnly DueOn, DateOnly ValidUntil);

/// <summary>
/// What a grant sets in motion, as durable scheduled messages (kept in PostgreSQL, so they survive
/// restarts): surveillance rounds during validity, reminders before expiry, and the expiry itself.
/// </summary>
public static class ScheduledTransitions
{
    /// <summary>The days surveillance rounds fall due during a validity: every Ovop:Lifecycle:SurveillanceMonths from its start.</summary>
    public static IReadOnlyList<DateOnly> SurveillanceDays(DateOnly validFrom, DateOnly validUntil, LifecycleSettings settings)
    {
        var days = new List<DateOnly>();
        for (var round = 1; settings.SurveillanceMonths > 0 && validFrom.AddMonths(round * settings.SurveillanceMonths) <= validUntil; round++)
        {
            days.Add(validFrom.AddMonths(round * settings.SurveillanceMonths));
        }

        return days;
    }

    public static OutgoingMessages AfterGrant(Guid fileId, DateOnly validFrom, DateOnly validUntil, LifecycleSettings settings, DateTimeOffset now)
    {
        // A validity recorded late may have passed surveillance rounds and reminders already:
        // those are not sent; the expiry is, and takes effect at once if its time has come.
        var messages = new OutgoingMessages();
        var rounds = SurveillanceDays(validFrom, validUntil, settings);
        for (var round = 1; round <= rounds.Count; round++)
        {
            var due = rounds[round - 1];
            if (LifecycleSettings.StartOf(due) >= now)
            {
                messages.Schedule(new SurveillanceFallsDue(fileId, round, due, validUntil), LifecycleSettings.StartOf(due));
            }
        }

        foreach (var days in settings.ReminderDays)
        {
            var day = validUntil.AddDays(-days);
            if (day >= validFrom && LifecycleSettings.StartOf(day) >= now)
            {
                messages.Schedule(new RemindOfExpiry(fileId, days, validUntil), LifecycleSettings.StartOf(day));
            }
        }

        messages.Schedule(new ExpireCertificate(fileId, validUntil), LifecycleSettings.ExpiresAt(validUntil));
        return messages;
    }
}

/// <summary>
/// The handlers act only when the message still concerns the certificate as it stands (same
/// validity, not ended): a renewed, withdrawn or surrendered certificate ignores its old schedule.
/// Each is idempotent, since a message may be delivered again after a node dies mid-way: an expired
/// certificate is not live, a reminder already given or a round already fallen due is not repeated.
/// </summary>
public static class ScheduledTransitionHandler
{
    public static Task Handle(ExpireCertificate message, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        ActAsync(session, message.FileId, message.ValidUntil, file =>
            new CertificateExpired(file.Id, LifecycleSettings.ExpiresAt(message.ValidUntil), clock.GetUtcNow()), ct);

    public static Task Handle(RemindOfExpiry message, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        ActAsync(session, message.FileId, message.ValidUntil, file => file.RemindedDaysBefore.Contains(message.DaysBefore)
            ? null
            : new ExpiryReminderDue(file.Id, file.Certificate!.Number, message.DaysBefore, message.ValidUntil, clock.GetUtcNow()), ct);

    public static Task Handle(SurveillanceFallsDue message, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        ActAsync(session, message.FileId, message.ValidUntil, file => file.SurveillanceRound >= message.Round
            ? null
            : new SurveillanceFellDue(file.Id, message.Round, message.DueOn, clock.GetUtcNow()), ct);

    private static async Task ActAsync(IDocumentSession session, Guid fileId, DateOnly validUntil, Func<CertificationFile, object?> decide, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<CertificationFile>(fileId, ct);
        if (stream.Aggregate is { IsLive: true, Certificate: { } certificate } file && certificate.ValidUntil == validUntil && decide(file) is { } fact)
        {
            EventAttribution.Stamp(session, Actor.System);
            stream.AppendOne(fact);
        }
    }
}
