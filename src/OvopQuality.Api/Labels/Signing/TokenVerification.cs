using Microsoft.AspNetCore.Cors;
using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Api.Labels.Signing;

public enum SignatureCheck
{
    Valid,
    Invalid,
    UnknownKey,
    RevokedKey,
    Malformed,

    /// <summary>Signed by the service, but a document of another kind (a status snapshot is no label statement).</summary>
    WrongKind,
}

public sealed record VerifyScannedToken(string Token, double? Latitude = null, double? Longitude = null);

/// <summary>What the signature proved, and the label's standing from the registry.</summary>
public sealed record ScannedLabelAnswer(SignatureCheck Signature, string? KeyId, LabelAnswer? Label, string Verdict);

public static class VerifyScannedTokenEndpoint
{
    public static ProblemDetails Validate(VerifyScannedToken command) =>
        new Validation().Text(command.Token, "token", 4096).ToProblem();

    /// <summary>
    /// Verifies a scanned statement: its signature against the service's keys (a statement signed by
    /// a revoked key is answered as revoked), then the label's current standing from the registry.
    /// </summary>
    [WolverinePost("/api/labels/verification", OperationId = "VerifyScannedToken")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    [SafeToRepeat]
    public static async Task<Results<Ok<ScannedLabelAnswer>, ProblemHttpResult>> Post(
        VerifyScannedToken command, SigningKeys keys, LabelLookup labels, Scans.CloneWatch clones, ClientPseudonyms clients, HttpContext context,
        Wolverine.IMessageBus bus, OvopMetrics metrics, TimeProvider clock, CancellationToken ct)
    {
        var known = await keys.AllAsync(ct);
        var verified = await SignedDocuments.VerifyAsync(DocumentKind.LabelStatement, command.Token.Trim(), known);
        if (verified.Check is SignatureCheck.Malformed or SignatureCheck.WrongKind)
        {
            return TypedResults.Ok(new ScannedLabelAnswer(verified.Check, verified.KeyId, null, verified.Problem ?? "This is not an OVOP label statement."));
        }

        if (!verified.IsValid)
        {
            return TypedResults.Ok(new ScannedLabelAnswer(verified.Check, verified.KeyId, null,
                "The signature does not hold: this statement was not issued by OVOP Tajikistan, or was altered. Do not trust the product."));
        }

        var labelCode = verified.Claims.GetProperty("lbl").GetString() ?? "";
        var check = verified.Check;
        var online = await GetLabelEndpoint.Get(labelCode, null, null, command.Latitude, command.Longitude, labels, clones, clients, context, bus, metrics, clock, ct);
        var label = online.Result is Ok<LabelAnswer> ok ? ok.Value : null;
        if (check == SignatureCheck.RevokedKey && label is not null)
        {
            var revokedOn = known.First(k => k.Id == verified.KeyId).RevokedAt;
            label = label with { Status = LabelStatus.Revoked, Reason = $"The key that signed this label ({verified.KeyId}) was revoked on {revokedOn:yyyy-MM-dd}: its statements can no longer be trusted." };
        }

        return TypedResults.Ok(new ScannedLabelAnswer(check, verified.KeyId, label, label?.Reason ?? "The label is not in the registry."));
    }
}

public static class GetLabelVerificationEndpoint
{
    /// <summary>The label's verification answer (the same as GET /api/labels/{code}), with <c>?at=</c> and <c>&amp;knownAt=</c>.</summary>
    [WolverineGet("/api/labels/{code}/verification", OperationId = "GetLabelVerification")]
    [Tags("Labels")]
    [AllowAnonymous]
    [EnableCors(AccessConfiguration.VerificationCors)]
    public static Task<Results<Ok<LabelAnswer>, ProblemHttpResult>> Get(
        string code, string? at, string? knownAt, double? lat, double? lon, LabelLookup labels, Scans.CloneWatch clones, ClientPseudonyms clients, HttpContext context,
        Wolverine.IMessageBus bus, OvopMetrics metrics, TimeProvider clock, CancellationToken ct) =>
        GetLabelEndpoint.Get(code, at, knownAt, lat, lon, labels, clones, clients, context, bus, metrics, clock, ct);
}

public sealed record RevokeSigningKey(string Reason);

public static class SigningKeyEndpoints
{
    /// <summary>The label-signing keys and their standing.</summary>
    [WolverineGet("/api/signing-keys", OperationId = "ListSigningKeys")]
    [Tags("Keys")]
    [Authorize(Roles = Roles.Administrator)]
    public static async Task<Results<Ok<Page<SigningKey>>, ProblemHttpResult>> Get(int? limit, string? cursor, SigningKeys keys, CancellationToken ct)
    {
        var (page, invalid) = Paging.Read(limit, cursor);
        if (page is null)
        {
            return TypedResults.Problem(invalid);
        }

        return TypedResults.Ok(Paging.Slice(await keys.AllAsync(ct), page));
    }

    /// <summary>Rotates: a new key signs new labels; the old one is retired and stays published for verification.</summary>
    [WolverinePost("/api/signing-keys/rotation", OperationId = "RotateSigningKey")]
    [Tags("Keys")]
    [Authorize(Roles = Roles.Administrator)]
    [ClaimsIdempotencyKeyItself]
    public static Task<SigningKey> Post(SigningKeys keys, HttpContext context, CancellationToken ct) =>
        keys.RotateAsync(session => IdempotencyKeys.ClaimIn(session, context), ct);
}

public static class RevokeSigningKeyEndpoint
{
    public static ProblemDetails Validate(RevokeSigningKey command) => new Validation().Text(command.Reason, "reason", 1000).ToProblem();

    /// <summary>Marks a key compromised: statements it signed verify as revoked; an active key is replaced first.</summary>
    [WolverinePost("/api/signing-keys/{keyId}/revocation", OperationId = "RevokeSigningKey")]
    [Tags("Keys")]
    [Authorize(Roles = Roles.Administrator)]
    [ClaimsIdempotencyKeyItself]
    public static async Task<Results<Ok<SigningKey>, ProblemHttpResult>> Post(
        string keyId, RevokeSigningKey command, SigningKeys keys, HttpContext context, CancellationToken ct) =>
        await keys.RevokeAsync(keyId, command.Reason, session => IdempotencyKeys.ClaimIn(session, context), ct) is { } revoked
            ? TypedResults.Ok(revoked)
            : TypedResults.Problem(Problems.NotFound("signing-key", $"There is no signing key {keyId}."));
}
