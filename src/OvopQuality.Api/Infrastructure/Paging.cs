using System.Globalization;
using System.Text;

namespace OvopQuality.Api.Infrastructure;

/// <summary>One page of a list: the items, the cursor of the next page (null on the last), and how many there are in all.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next, int Total);

/// <summary>Where a page starts and how long it is, read from <c>?limit=</c> and <c>?cursor=</c>.</summary>
public sealed record PageRequest(int Offset, int Limit);

/// <summary>
/// The one way lists page: <c>limit</c> (1 to 500, 50 by default) and an opaque <c>cursor</c> from
/// the previous page's <c>next</c>. A cursor that was not ours is a 400 naming it, never a 500.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaximumLimit = 500;

    public static (PageRequest? Request, ProblemDetails Problem) Read(int? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (limit is < 1 or > MaximumLimit)
        {
            errors["limit"] = [$"must be from 1 to {MaximumLimit}"];
        }

        var offset = 0;
        if (cursor is not null && !TryDecode(cursor, out offset))
        {
            errors["cursor"] = ["is not a cursor this list gave: start again without it"];
        }

        return errors.Count > 0 ? (null, Problems.Invalid(errors)) : (new PageRequest(offset, limit ?? DefaultLimit), WolverineContinue.NoProblems);
    }

    public static Page<T> PageOf<T>(IReadOnlyList<T> items, PageRequest request, int total) =>
        new(items, request.Offset + items.Count < total ? Encode(request.Offset + items.Count) : null, total);

    /// <summary>A page of a list already in memory (a producer's notifications, a stream's events).</summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> all, PageRequest request) =>
        PageOf([.. all.Skip(request.Offset).Take(request.Limit)], request, all.Count);

    private static string Encode(int offset) =>
        Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(Encoding.ASCII.GetBytes("o:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecode(string cursor, out int offset)
    {
        offset = 0;
        try
        {
            var text = cursor.Length <= 40 ? Encoding.ASCII.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(cursor)) : "";
            return text.StartsWith("o:", StringComparison.Ordinal)
                   && int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
