using OvopQuality.Api.Producers;

namespace OvopQuality.Api.Statistics;

/// <summary>How many in one district of a region; the district as first spelled by a producer registered there.</summary>
public sealed record DistrictCount(Region Region, string District, int Count);

/// <summary>A producer's place, as the district breakdowns read it.</summary>
public sealed record ProducerPlace(Guid Id, string Number, Region Region, string District, DateTimeOffset RegisteredAt);

/// <summary>
/// District names are typed by people: "Isfara", " isfara" and "ISFARA" are one district. They are
/// compared trimmed and case-insensitively within their region, and shown as the producer registered
/// first spelled them, so a name does not change with <c>?at=</c>.
/// </summary>
public sealed class Districts
{
    private readonly Dictionary<(Region, string), string> _spellings = new(new PlaceComparer());

    public Districts(IEnumerable<ProducerPlace> producers)
    {
        foreach (var producer in producers.OrderBy(p => p.RegisteredAt).ThenBy(p => p.Id))
        {
            _spellings.TryAdd((producer.Region, producer.District.Trim()), producer.District.Trim());
        }
    }

    /// <summary>Counts per district, by region in the regions' order, then by district name; only districts with something to count.</summary>
    public IReadOnlyList<DistrictCount> Count(IEnumerable<ProducerPlace> places) =>
        [.. places
            .Select(p => (p.Region, District: _spellings.GetValueOrDefault((p.Region, p.District.Trim()), p.District.Trim())))
            .GroupBy(p => p)
            .Select(g => new DistrictCount(g.Key.Region, g.Key.District, g.Count()))
            .OrderBy(d => d.Region)
            .ThenBy(d => d.District, StringComparer.InvariantCultureIgnoreCase)];

    private sealed class PlaceComparer : IEqualityComparer<(Region Region, string District)>
    {
        public bool Equals((Region Region, string District) x, (Region Region, string District) y) =>
            x.Region == y.Region && StringComparer.OrdinalIgnoreCase.Equals(x.District, y.District);

        public int GetHashCode((Region Region, string District) place) =>
            HashCode.Combine(place.Region, StringComparer.OrdinalIgnoreCase.GetHashCode(place.District));
    }
}
