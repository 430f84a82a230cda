using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// The service's own measurements, on the meter <see cref="MeterName"/>. Every tag takes one of a few
/// values fixed in the code (a verdict, an operation id, a problem type, a cache's name): never a label
/// code, a producer, a user, an address or a raw path, so that the metrics stay small and say nothing
/// about anyone.
/// </summary>
public sealed class OvopMetrics
{
    public const string MeterName = "OvopQuality";

    private static readonly System.Buffers.SearchValues<char> RuleCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    private readonly Counter<long> _verifications;
    private readonly Counter<long> _commands;
    private readonly Counter<long> _cloneSignals;
    private readonly Counter<long> _cacheLookups;

    public OvopMetrics(IMeterFactory meters, StatusSnapshotCache snapshots, TimeProvider clock)
    {
        var meter = meters.Create(MeterName);
        _verifications = meter.CreateCounter<long>("ovop.label.verifications", "{verification}",
            "Labels verified online, by verdict: the label's status, or not-found for a code never issued or mistyped.");
        _commands = meter.CreateCounter<long>("ovop.commands", "{command}",
            "Commands answered (POST, PUT, PATCH, DELETE on an API endpoint), by operation id and outcome: success, the problem type, or the status code.");
        _cloneSignals = meter.CreateCounter<long>("ovop.clone_signals.raised", "{signal}",
            "Clone signals raised for staff by the scan handler, by kind (farApart, tooOften).");
        _cacheLookups = meter.CreateCounter<long>("ovop.cache.lookups", "{lookup}",
            "Lookups in the caches verification reads through, by cache (label, certificate, statusSnapshot) and result (hit, miss).");
        meter.CreateObservableGauge("ovop.status_snapshot.age", () => snapshots.LastIssuedAt is { } issued
                ? [new Measurement<double>((clock.GetUtcNow() - issued).TotalSeconds)]
                : Array.Empty<Measurement<double>>(),
            "s", "Age of the status snapshot this instance serves; absent until it made one.");
    }

    /// <summary>Each verdict's tag, made once: verification is the hottest path and should not build strings.</summary>
    private static readonly FrozenDictionary<LabelStatus, string> Verdicts =
        Enum.GetValues<LabelStatus>().ToFrozenDictionary(s => s, s => Camel(s.ToString()));

    public void Verified(LabelStatus status) => _verifications.Add(1, new KeyValuePair<string, object?>("verdict", Verdicts[status]));

    public void VerifiedUnknownCode() => _verifications.Add(1, new KeyValuePair<string, object?>("verdict", "not-found"));

    public void CloneSignalRaised(Labels.Scans.CloneSignal kind) => _cloneSignals.Add(1, new KeyValuePair<string, object?>("kind", Camel(kind.ToString())));

    public void CacheLookup(string cache, bool hit) =>
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("cache", cache), new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));

    /// <summary>
    /// Counts a command once its answer is final, whatever wrote it (the endpoint, validation, the
    /// authorization or rate limits, the exception handler). Requests no endpoint matched are not
    /// commands and are not counted: their paths are whatever a caller typed.
    /// </summary>
    public void CommandAnswered(HttpContext context, bool threw)
    {
        var endpoint = context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var command = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText;
        if (command is null)
        {
            return;
        }

        var status = threw ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        var outcome = context.Response.Headers.ContainsKey(IdempotencyKeys.ReplayedHeader) ? "replayed"
            : status < 400 ? "success" : ProblemRule(context.Features.Get<AnsweredProblem>()?.Type) ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _commands.Add(1, new KeyValuePair<string, object?>("command", command), new KeyValuePair<string, object?>("outcome", outcome));
    }

    public static bool IsCommand(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    /// <summary>The rule a problem of this service names ("stale-version"); null for anything else.</summary>
    private static string? ProblemRule(string? type) =>
        type is not null && type.StartsWith(Problems.TypeBase, StringComparison.Ordinal) && type.Length - Problems.TypeBase.Length is > 0 and <= 64
        && !type.AsSpan(Problems.TypeBase.Length).ContainsAnyExcept(RuleCharacters)
            ? type[Problems.TypeBase.Length..]
            : null;

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>The type of the problem an answer carries, noted as it is written, for <see cref="OvopMetrics.CommandAnswered"/>.</summary>
public sealed record AnsweredProblem(string? Type);
