using System.Globalization;

namespace OvopQuality.Api.Labels.Verifying;

/// <summary>
/// The instants a verification answers for: <c>at</c> (default now), and <c>knownAt</c>, what was
/// recorded by then (default now). An ISO 8601 instant, or a day (2026-03-05), meaning the end of
/// that day in the programme's time zone (Asia/Dushanbe): what stood on that day, at its close (for
/// <c>knownAt</c>, no later than now).
/// </summary>
public sealed record AsOf(DateTimeOffset At, DateTimeOffset KnownAt)
{
    public static (AsOf? AsOf, ProblemDetails Problem) Parse(string? at, string? knownAt, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        var atInstant = Instant(at, "at", now, errors);
        var knownInstant = Instant(knownAt, "knownAt", now, errors);
        if (errors.Count == 0 && knownInstant > now)
        {
            errors["knownAt"] = ["cannot be in the future: nothing is known yet about what will be recorded"];
        }

        return errors.Count > 0 ? (null, Problems.Invalid(errors)) : (new AsOf(atInstant, knownInstant), WolverineContinue.NoProblems);
    }

    // Days at the calendar's ends cannot be turned into the programme's time (a day's end is the next
    // day's start): years far from the programme's are refused as the figures' pages refuse them.
    private const int Earliest = 2000;
    private const int Latest = 2999;
    private const string OutOfRange = "must fall in the years 2000 to 2999";

    private static DateTimeOffset Instant(string? text, string field, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return now;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (day.Year is < Earliest or > Latest)
            {
                errors[field] = [OutOfRange];
                return now;
            }

            var end = ProgrammeTime.EndOf(day);
            return field == "knownAt" && end > now ? now : end;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            if (instant.Year is < Earliest or > Latest)
            {
                errors[field] = [OutOfRange];
                return now;
            }

            return instant;
        }

        errors[field] = ["must be an ISO 8601 instant (2026-03-05T12:00:00Z) or a day (2026-03-05, meaning its end in Asia/Dushanbe)"];
        return now;
    }
}
