using System.Text.Json;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Names as clients meet them: camelCase, as every property, enum value, event type and step is
/// written in JSON. Messages use these too, so a client never sees a .NET name such as
/// <c>ProductQuality</c> where the API says <c>productQuality</c>.
/// </summary>
public static class WireNames
{
    public static string Wire(this Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    /// <summary>A type or step name in camelCase: <c>ApplicationSubmitted</c> and <c>application_submitted</c> both become <c>applicationSubmitted</c>.</summary>
    public static string Of(string name)
    {
        if (!name.Contains('_', StringComparison.Ordinal))
        {
            return JsonNamingPolicy.CamelCase.ConvertName(name);
        }

        var parts = name.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return string.Concat(parts.Select((p, i) => i == 0 ? p.ToLowerInvariant() : char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
