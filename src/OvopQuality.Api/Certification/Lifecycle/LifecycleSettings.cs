namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>The certification body's policy on surveillance, suspension and reminders (Ovop:Lifecycle).</summary>
public sealed class LifecycleSettings
{
    /// <summary>Months between surveillance inspections during validity.</summary>
    public int SurveillanceMonths { get; init; } = 12;

    /// <summary>Days after it falls due that a surveillance inspection counts as overdue.</summary>
    public int SurveillanceGraceDays { get; init; } = 30;

    /// <summary>The longest a suspension may last before the certificate is withdrawn by itself.</summary>
    public int MaximumSuspensionDays { get; init; } = 183;

    /// <summary>Days before expiry that the producer is reminded.</summary>
    public IReadOnlyList<int> ReminderDays { get; init; } = [90, 30, 7];

    /// <summary>The instant a certificate valid until <paramref name="validUntil"/> expires: the start of the next day (UTC).</summary>
    /// <summary>The instant a validity ends: the close of its last day in the programme's time zone (Asia/Dushanbe).</summary>
    public static DateTimeOffset ExpiresAt(DateOnly validUntil) => StartOf(validUntil.AddDays(1));

    /// <summary>The first instant of a day in the programme's time zone (Asia/Dushanbe).</summary>
    public static DateTimeOffset StartOf(DateOnly day) => ProgrammeTime.EndOf(day.AddDays(-1)).AddTicks(1);
}
