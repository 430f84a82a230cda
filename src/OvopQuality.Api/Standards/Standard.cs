using System.Security.Cryptography;
using System.Text;
using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Standards;

public enum RequirementGroup
{
    Community,
    Marketing,
    Quality,
}

public sealed record Requirement(string Code, RequirementGroup Group, LocalizedText Text, int Points, bool Mandatory);

/// <summary>Minimum score, in percent of the applicable points, for one to five stars.</summary>
public sealed record StarThresholds(int OneStar, int TwoStars, int ThreeStars, int FourStars, int FiveStars)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<int> Ascending => [OneStar, TwoStars, ThreeStars, FourStars, FiveStars];

    /// <summary>The stars a score earns: 0 when it is below the one-star threshold.</summary>
    public int StarsFor(int scorePercent) => Ascending.Count(threshold => scorePercent >= threshold);
}

/// <summary>
/// A limit a laboratory result is held to (ISO/IEC 17025 test reports): a value outside it is a
/// major finding against the requirement it belongs to.
/// </summary>
public sealed record LabLimit(string Parameter, LocalizedText Name, string Unit, string RequirementCode, decimal? Minimum = null, decimal? Maximum = null)
{
    public bool Allows(decimal value) => (Minimum is null || value >= Minimum) && (Maximum is null || value <= Maximum);

    public string Describe() => (Minimum, Maximum) switch
    {
        ({ } min, { } max) => $"{min}–{max} {Unit}",
        (null, { } max) => $"≤ {max} {Unit}",
        ({ } min, null) => $"≥ {min} {Unit}",
        _ => "no limit",
    };
}

public sealed record StandardVersion(
    string Code,
    int Version,
    LocalizedText Title,
    ProductCategory Category,
    IReadOnlyList<Requirement> Requirements,
    StarThresholds Stars,
    int ValidityMonths,
    DateTimeOffset PublishedAt)
{
    /// <summary>Never null: empty for a standard without laboratory limits (also for versions stored before limits existed).</summary>
    public IReadOnlyList<LabLimit> LabLimits { get; init => field = value ?? []; } = [];

    public LabLimit? FindLimit(string parameter) =>
        LabLimits.FirstOrDefault(l => string.Equals(l.Parameter, parameter, StringComparison.OrdinalIgnoreCase));

    public Requirement? Find(string requirementCode) =>
        Requirements.FirstOrDefault(r => string.Equals(r.Code, requirementCode, StringComparison.Ordinal));
}

public sealed record StandardVersionPublished(Guid StandardId, StandardVersion Standard);

/// <summary>
/// A standard of the catalogue and every version it ever had. Versions are never edited: a change
/// of criteria is a new version, and a certification decision records the version it used.
/// </summary>
public sealed record Standard(Guid Id, string Code, IReadOnlyList<StandardVersion> Versions)
{
    public long Version { get; set; }

    public StandardVersion Latest => Versions[^1];

    public StandardVersion? FindVersion(int version) => Versions.FirstOrDefault(v => v.Version == version);

    public static Standard Create(StandardVersionPublished e) => new(e.StandardId, e.Standard.Code, [e.Standard]);

    public Standard Apply(StandardVersionPublished e) => this with { Versions = [.. Versions, e.Standard] };

    /// <summary>Streams of standards are keyed by their code, so that one code is one stream.</summary>
    public static Guid StreamIdFor(string code)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("ovop-standard:" + code.ToUpperInvariant()));
        return new Guid(hash.AsSpan(0, 16));
    }
}
