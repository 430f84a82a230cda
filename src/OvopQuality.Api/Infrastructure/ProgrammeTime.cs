namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// The programme's time zone, Asia/Dushanbe (UTC+5, no daylight saving): a bare day a person gives
/// (a shipment's date, a statistics date) means that day as it is lived in Tajikistan.
/// </summary>
public static class ProgrammeTime
{
    public static readonly TimeZoneInfo Zone = Find();

    /// <summary>The last instant of <paramref name="day"/> in the programme's time zone, in UTC (as every instant the service stores or queries).</summary>
    public static DateTimeOffset EndOf(DateOnly day)
    {
        var nextMidnight = day.AddDays(1).ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(nextMidnight, Zone.GetUtcOffset(nextMidnight)).AddTicks(-1).ToUniversalTime();
    }

    /// <summary>The day an instant falls on in the programme's time zone.</summary>
    public static DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    private static TimeZoneInfo Find()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Dushanbe");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            // Without the system's zone data the offset is still known: Tajikistan keeps UTC+5 all year.
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Dushanbe", TimeSpan.FromHours(5), "Asia/Dushanbe", "Tajikistan Time");
        }
    }
}
