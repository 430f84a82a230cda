using System.Globalization;

namespace OvopQuality.Api.Statistics;

/// <summary>
/// One period of a series, in the programme's time zone: from the start of its first day to the
/// end of its last (the last microsecond, the precision times are stored with).
/// </summary>
public sealed record Period(string Label, DateTimeOffset Start, DateTimeOffset Next)
{
    public DateTimeOffset End => Next.AddTicks(-TimeSpan.TicksPerMicrosecond);

    public bool Holds(DateTimeOffset instant) => instant >= Start && instant < Next;
}

/// <summary>
/// Reads <c>?from=</c>, <c>?to=</c> (months, YYYY-MM) and <c>?interval=</c> (month, quarter, year)
/// into calendar periods of Asia/Dushanbe: the first holds <c>from</c>, the last <c>to</c>. By
/// default the last 12 months, this one included; at most <see cref="MaximumPoints"/> periods.
/// </summary>
public static class Periods
{
    public const int MaximumPoints = 120;

    public static readonly TimeZoneInfo Zone = ProgrammeTime.Zone;

    private static readonly string[] Intervals = ["month", "quarter", "year"];

    private const string MonthRule = "must be a month, YYYY-MM (e.g. 2026-03), from 2000-01 to 2999-12";

    public static (IReadOnlyList<Period>? Periods, ProblemDetails Problem) Read(string? from, string? to, string? interval, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var months = string.IsNullOrWhiteSpace(interval) ? 1 : Array.IndexOf(Intervals, interval) switch
        {
            0 => 1,
            1 => 3,
            2 => 12,
            _ => 0,
        };
        if (months == 0)
        {
            errors["interval"] = ["must be one of: " + string.Join(", ", Intervals)];
        }

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone).DateTime);
        var last = Month(to, "to", errors) ?? new DateOnly(today.Year, today.Month, 1);
        var first = Month(from, "from", errors) ?? last.AddMonths(-11);
        if (errors.Count > 0)
        {
            return (null, Problems.Invalid(errors));
        }

        if (first > last)
        {
            return (null, Problems.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["from"] = [$"must not be after to ({last:yyyy-MM})"],
            }));
        }

        var start = new DateOnly(first.Year, (first.Month - 1) / months * months + 1, 1);
        var count = (((last.Year * 12) + last.Month - (start.Year * 12) - start.Month) / months) + 1;
        if (count > MaximumPoints)
        {
            return (null, Problems.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["to"] = [$"at most {MaximumPoints} periods from from to to: this asks for {count} {interval ?? "month"}s"],
            }));
        }

        return ([.. Enumerable.Range(0, count).Select(i => start.AddMonths(i * months)).Select(day =>
            new Period(Label(day, months), StartOf(day), StartOf(day.AddMonths(months))))], WolverineContinue.NoProblems);
    }

    /// <summary>The first instant of a day in the programme's time zone, in UTC (as the store takes instants).</summary>
    public static DateTimeOffset StartOf(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(midnight, Zone.GetUtcOffset(midnight)).ToUniversalTime();
    }

    private static DateOnly? Month(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month) && month.Year is >= 2000 and <= 2999)
        {
            return month;
        }

        errors[field] = [MonthRule];
        return null;
    }

    private static string Label(DateOnly start, int months) => months switch
    {
        1 => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        3 => start.ToString("yyyy", CultureInfo.InvariantCulture) + "-Q" + (((start.Month - 1) / 3) + 1).ToString(CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy", CultureInfo.InvariantCulture),
    };
}
