using Microsoft.AspNetCore.Cors;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Labels.Signing;

/// <summary>
/// For offline verifiers: every certificate not currently valid (number, status, since) and every
/// revoked key, signed, with the time it was made and how long it may be trusted.
/// </summary>
public sealed record StatusSnapshotClaims(long Iat, long Exp, int MaxAge, IReadOnlyList<string[]> Certs, IReadOnlyList<string> RevokedKeys);

public sealed record StatusSnapshotResponse(string Snapshot, string KeyId, DateTimeOffset IssuedAt, int MaxAgeSeconds, int Certificates, int Bytes);

/// <summary>
/// The last snapshot made: thousands of phones download it, and making it reads every certificate.
/// It is made again once a file or a key changed, or after Ovop:Signing:SnapshotCacheSeconds (60).
/// </summary>
public sealed class StatusSnapshotCache
{
    // One reference, written whole: concurrent readers see a generation with its own snapshot.
    private volatile Made? _last;

    public StatusSnapshotResponse? Find(long generation, DateTimeOffset now, TimeSpan timeToLive) =>
        _last is { } last && last.Generation == generation && now >= last.Response.IssuedAt && now - last.Response.IssuedAt < timeToLive
            ? last.Response
            : null;

    public void Remember(long generation, StatusSnapshotResponse response) => _last = new Made(generation, response);

    /// <summary>When the snapshot last made here was made; null until one was.</summary>
    public DateTimeOffset? LastIssuedAt => _last?.Response.IssuedAt;

    private sealed record Made(long Generation, StatusSnapshotResponse Response);
}

public static class GetStatusSnapshotEndpoint
{
    /// <summary>
    /// The signed status snapshot an offline verifier downloads daily (Ovop:Signing:SnapshotMaxAgeHours,
    /// 24 by default). Compressed on the wire when the client accepts gzip or Brotli.
    /// </summary>
    [WolverineGet("/api/status-snapshot", OperationId = "GetStatusSnapshot")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static async Task<StatusSnapshotResponse> Get(
        IQuerySession session, SigningKeys keys, CertificateCache certificates, StatusSnapshotCache cache, OvopMetrics metrics, TimeProvider clock, IConfiguration configuration,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var generation = certificates.Generation;
        var timeToLive = TimeSpan.FromSeconds(configuration.GetValue<double?>("Ovop:Signing:SnapshotCacheSeconds") ?? 60);
        var cached = cache.Find(generation, now, timeToLive);
        metrics.CacheLookup("statusSnapshot", hit: cached is not null);
        if (cached is not null)
        {
            return cached;
        }

        var response = await MakeAsync(session, keys, now, configuration, ct);
        cache.Remember(generation, response);
        return response;
    }

    private static async Task<StatusSnapshotResponse> MakeAsync(IQuerySession session, SigningKeys keys, DateTimeOffset now, IConfiguration configuration, CancellationToken ct)
    {
        var maxAge = (int)TimeSpan.FromHours(configuration.GetValue<double?>("Ovop:Signing:SnapshotMaxAgeHours") ?? 24).TotalSeconds;
        var granted = await session.Query<PublicCertificate>().Where(c => c.CertificateNumber != null).ToListAsync(ct);
        var notValid = granted
            .Select(c => (c.CertificateNumber!, Standing: CertificateStanding.At(c, now, now)))
            .Where(c => c.Standing.Status != LabelStatus.Valid)
            .Select(c => new[]
            {
                c.Item1, c.Standing.Status.ToString().ToLowerInvariant(),
                c.Standing.Since?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            })
            .ToList();
        var revoked = (await keys.AllAsync(ct)).Where(k => k.Status == KeyStatus.Revoked).Select(k => k.Id).ToList();
        var (key, privateKey) = await keys.ActiveAsync(ct);
        var snapshot = SignedDocuments.Sign(DocumentKind.StatusSnapshot,
            new StatusSnapshotClaims(now.ToUnixTimeSeconds(), now.AddSeconds(maxAge).ToUnixTimeSeconds(), maxAge, notValid, revoked), key.Id, privateKey);
        return new StatusSnapshotResponse(snapshot, key.Id, now, maxAge, notValid.Count, snapshot.Length);
    }
}
