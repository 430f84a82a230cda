using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Labels.Verifying;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.PublicDirectory.Searching;

public enum DirectorySort
{
    Relevance,
    Name,
    ValidUntil,
    Stars,
}

/// <summary>A granted certificate in a search's answer, with how it stands now.</summary>
public sealed record DirectoryCertificateLine(
    string CertificateNumber,
    LocalizedText ProductName,
    ProductCategory Category,
    string? HsCode,
    string StandardCode,
    int StandardVersion,
    int? Stars,
    DateOnly? ValidFrom,
    DateOnly? ValidUntil,
    LabelStatus Standing);

/// <summary>A producer found: its published name (the Tajik one also in Latin letters), where it is (also in Latin letters), and its certificates.</summary>
public sealed record DirectoryHit(
    string ProducerNumber,
    LocalizedText Name,
    string NameInLatin,
    Region Region,
    string District,
    string DistrictInLatin,
    string Village,
    IReadOnlyList<DirectoryCertificateLine> Certificates);

/// <summary>A directory search, checked: every filter that a certificate must meet is met by one and the same certificate.</summary>
public sealed record DirectoryQuery(
    string Text,
    IReadOnlyList<string> Terms,
    ProductCategory? Category,
    string? HsCode,
    Region? Region,
    string? District,
    string? Standard,
    int? Stars,
    LabelStatus? Standing,
    DirectorySort Sort,
    PageRequest Page)
{
    public const int MaxTextLength = 200;

    private static readonly LabelStatus[] Standings = [LabelStatus.Valid, LabelStatus.Suspended, LabelStatus.Withdrawn, LabelStatus.Expired, LabelStatus.Superseded];

    public bool FiltersCertificates => Category is not null || HsCode is not null || Standard is not null || Stars is not null || Standing is not null;

    /// <summary>Reads a search from its parameters; every one that is not understood is named in one 400 problem.</summary>
    public static (DirectoryQuery? Query, ProblemDetails Problem) Read(
        string? q, string? category, string? hsCode, string? region, string? district, string? standard, int? stars, string? standing, string? sort, int? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var text = (q ?? "").Trim();
        if (text.Length > MaxTextLength)
        {
            errors["q"] = [$"may hold at most {MaxTextLength} characters"];
        }

        var parsedCategory = Named<ProductCategory>(category, "category", errors);
        var parsedRegion = Named<Region>(region, "region", errors);
        var parsedStanding = Named<LabelStatus>(standing, "standing", errors, Standings);
        var parsedSort = Named<DirectorySort>(sort, "sort", errors);
        var hs = string.IsNullOrWhiteSpace(hsCode) ? null : hsCode.Trim();
        if (hs is not null && (hs.Length is < 2 or > 10 || !hs.All(char.IsAsciiDigit)))
        {
            errors["hsCode"] = ["must be 2 to 10 digits: an HS chapter, heading or full code"];
        }

        var districtText = string.IsNullOrWhiteSpace(district) ? null : district.Trim();
        if (districtText is { Length: > 100 })
        {
            errors["district"] = ["may hold at most 100 characters"];
        }

        var standardCode = string.IsNullOrWhiteSpace(standard) ? null : standard.Trim().ToUpperInvariant();
        if (standardCode is not null && (standardCode.Length > 40 || !standardCode.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors["standard"] = ["must be a standard's code, such as OVOP-DF"];
        }

        if (stars is < 1 or > 5)
        {
            errors["stars"] = ["must be from 1 to 5: the fewest stars a certificate must have"];
        }

        var (page, pageProblem) = Paging.Read(limit, cursor);
        if (pageProblem is ValidationProblemDetails invalidPage)
        {
            foreach (var (field, messages) in invalidPage.Errors)
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0 || page is null)
        {
            return (null, Problems.Invalid(errors));
        }

        var terms = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(IndexedProducer.Fold).Distinct().Take(10).ToList();
        return (new DirectoryQuery(text, terms, parsedCategory, hs, parsedRegion, districtText is null ? null : IndexedProducer.DistrictKey(districtText),
            standardCode, stars, parsedStanding, parsedSort ?? (terms.Count > 0 ? DirectorySort.Relevance : DirectorySort.Name), page), WolverineContinue.NoProblems);
    }

    /// <summary>An enum's value by its name as the API writes it (camelCase), any case; never a number.</summary>
    private static TEnum? Named<TEnum>(string? value, string field, Dictionary<string, string[]> errors, IReadOnlyList<TEnum>? allowed = null) where TEnum : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var names = (allowed ?? Enum.GetValues<TEnum>()).Select(v => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.ToString())).ToList();
        var found = names.FindIndex(n => n.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found < 0)
        {
            errors[field] = ["must be one of: " + string.Join(", ", names)];
            return null;
        }

        return (allowed ?? Enum.GetValues<TEnum>())[found];
    }

    /// <summary>
    /// Whether a producer may have a certificate that meets every certificate filter, from what it
    /// holds about all of them (categories, standards, most stars, standings now): most producers are
    /// passed by here without reading a certificate.
    /// </summary>
    public bool MayAdmit(IndexedProducer p, CertificateStandings standings) =>
        (Category is not { } category || (p.Categories & (1L << (int)category)) != 0)
        && (Stars is null || p.MostStars >= Stars)
        && (Standing is not { } standing || (standings.Present & (1 << (int)standing)) != 0)
        && (Standard is null || p.Standards.Contains(Standard, StringComparer.OrdinalIgnoreCase));

    /// <summary>Whether a certificate meets every certificate filter of the search, standing as it does now.</summary>
    public bool Admits(in CertificateFacts c, LabelStatus standingNow) =>
        (Category is null || c.Category == Category)
        && (HsCode is null || (c.HsCode?.StartsWith(HsCode, StringComparison.Ordinal) ?? false))
        && (Standard is null || string.Equals(c.StandardCode, Standard, StringComparison.OrdinalIgnoreCase))
        && (Stars is null || c.Stars >= Stars)
        && (Standing is null || standingNow == Standing);

    /// <summary>How well a producer's texts match the words searched: 0 when one word is missing.</summary>
    public int Relevance(IndexedProducer p)
    {
        var score = 0;
        foreach (var term in Terms)
        {
            var inName = p.Names.IndexOf(term, StringComparison.Ordinal);
            if (inName >= 0)
            {
                score += inName == 0 || !char.IsLetterOrDigit(p.Names[inName - 1]) ? 4 : 3;
            }
            else if (p.SearchText.Contains(term, StringComparison.Ordinal))
            {
                score += 1;
            }
            else
            {
                return 0;
            }
        }

        return score;
    }
}

/// <summary>The search itself, shared by the API and the search page, so that both always answer alike.</summary>
public static class DirectorySearch
{
    /// <summary>A producer found, with what its order needs: kept small, as a search may find every producer.</summary>
    private readonly record struct Found(IndexedProducer Producer, int Position, int Relevance, int Stars, DateOnly ValidUntil);

    public static Page<DirectoryHit> Run(IReadOnlyList<IndexedProducer> producers, DirectoryQuery query, DateTimeOffset now)
    {
        var found = new List<Found>();
        foreach (var p in producers)
        {
            if ((query.Region is not null && p.Entry.Address.Region != query.Region) || (query.District is not null && p.District != query.District))
            {
                continue;
            }

            var relevance = query.Terms.Count == 0 ? 1 : query.Relevance(p);
            if (relevance == 0)
            {
                continue;
            }

            if (!query.FiltersCertificates)
            {
                found.Add(new Found(p, found.Count, relevance, p.MostStars, p.LatestValidUntil));
                continue;
            }

            var standings = p.StandingsAt(now);
            if (!query.MayAdmit(p, standings))
            {
                continue;
            }

            // The order counts the certificates that met the filters only.
            var (matched, stars, validUntil) = (false, 0, DateOnly.MinValue);
            var facts = p.Facts;
            for (var i = 0; i < facts.Length; i++)
            {
                ref readonly var c = ref facts[i];
                if (query.Admits(c, standings.Each[i]))
                {
                    matched = true;
                    stars = Math.Max(stars, c.Stars);
                    validUntil = c.ValidUntil > validUntil ? c.ValidUntil : validUntil;
                }
            }

            if (matched)
            {
                found.Add(new Found(p, found.Count, relevance, stars, validUntil));
            }
        }

        // Producers come in the order of their names: ties keep it (each one's position when found).
        Comparison<Found> order = query.Sort switch
        {
            DirectorySort.Relevance => (a, b) => b.Relevance != a.Relevance ? b.Relevance.CompareTo(a.Relevance) : a.Position.CompareTo(b.Position),
            DirectorySort.ValidUntil => (a, b) => b.ValidUntil != a.ValidUntil ? b.ValidUntil.CompareTo(a.ValidUntil) : a.Position.CompareTo(b.Position),
            DirectorySort.Stars => (a, b) => b.Stars != a.Stars ? b.Stars.CompareTo(a.Stars) : a.Position.CompareTo(b.Position),
            _ => (a, b) => a.Position.CompareTo(b.Position),
        };
        found.Sort(order);
        var page = found.Skip(query.Page.Offset).Take(query.Page.Limit).Select(f => Hit(f.Producer, now)).ToList();
        return Paging.PageOf(page, query.Page, found.Count);
    }

    public static DirectoryHit Hit(IndexedProducer p, DateTimeOffset now)
    {
        var e = p.Entry;
        var standings = p.StandingsAt(now);
        return new DirectoryHit(e.Number, e.Name, Labels.Page.Transliteration.ToLatin(e.Name.Tg), e.Address.Region, e.Address.District,
            Labels.Page.Transliteration.ToLatin(e.Address.District), e.Address.Village,
            [.. p.Certificates.Select((c, i) => new DirectoryCertificateLine(
                c.Certificate.CertificateNumber!, c.Certificate.ProductName, c.Certificate.ProductCategory, c.HsCode, c.Certificate.StandardCode,
                c.Certificate.StandardVersion, c.Certificate.Stars, c.Certificate.ValidFrom, c.Certificate.ValidUntil, standings.Each[i]))]);
    }
}

public static class SearchDirectoryEndpoint
{
    /// <summary>
    /// Searches the certified producers, without signing in: <c>q</c> matches names, products,
    /// district, village, HS codes and certificate numbers in Tajik, Russian or English and in Latin
    /// letters ("zardolu" finds "Зардолу"); filters by product <c>category</c>, <c>hsCode</c> (a prefix:
    /// "0813" finds 081310), <c>region</c>, <c>district</c> (in Latin, Tajik or Russian spelling: "Khorog"
    /// finds "Хоруғ"), <c>standard</c> (code), <c>stars</c> (at
    /// least) and <c>standing</c> now (valid, suspended, withdrawn, expired, superseded), all met by one
    /// certificate of the producer. Sorted by <c>relevance</c> (with text), <c>name</c> (English),
    /// <c>validUntil</c> or <c>stars</c> (highest first); paged by <c>limit</c> and <c>cursor</c>.
    /// A producer is listed once a certificate was granted to it; its contact only if it agreed.
    /// </summary>
    [WolverineGet("/api/directory", OperationId = "SearchDirectory")]
    [Tags("Directory")]
    [AllowAnonymous]
    public static async Task<Results<Ok<Page<DirectoryHit>>, ProblemHttpResult>> Get(
        string? q, string? category, string? hsCode, string? region, string? district, string? standard, int? stars, string? standing, string? sort,
        int? limit, string? cursor, [FromServices] DirectoryIndex index, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        var (query, invalid) = DirectoryQuery.Read(q, category, hsCode, region, district, standard, stars, standing, sort, limit, cursor);
        if (query is null)
        {
            return TypedResults.Problem(invalid);
        }

        return TypedResults.Ok(DirectorySearch.Run(await index.AllAsync(session, ct), query, clock.GetUtcNow()));
    }
}
