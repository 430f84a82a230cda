using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Labels.Verifying;
using Wolverine.Marten;

namespace OvopQuality.Api.Complaints;

public sealed record SubmitComplaint(
    ComplaintCategory Category, string Description, string? LabelCode = null, string? CertificateNumber = null, Complainant? Complainant = null);

/// <summary>What the complainant keeps: the reference, and the key that shows them (and only them) how it stands.</summary>
public sealed record ComplaintReceipt(Guid Id, string Reference, string TrackingKey, string StatusUrl, string? RepeatOf, long Version) : CreationResponse(StatusUrl);

/// <summary>How many complaints one client may submit without signing in, and what counts as the same complaint again.</summary>
public sealed class ComplaintSettings
{
    /// <summary>Complaints one anonymous client may submit in <see cref="WindowHours"/>; then 429.</summary>
    public int PerClient { get; init; } = 10;

    /// <summary>
    /// A complaint within this many hours of an earlier one about the same label or certificate, from
    /// the same client or with the same words, is held as a repeat of it.
    /// </summary>
    public int WindowHours { get; init; } = 24;
}

public static class SubmitComplaintEndpoint
{
    public static ProblemDetails Validate(SubmitComplaint command) =>
        new Validation()
            .Defined(command.Category, "category")
            .Text(command.Description, "description", 4000)
            .Require(command.Description is null || command.Description.Trim().Length >= 10, "description", "must say what happened, in 10 characters or more")
            .OptionalText(command.LabelCode, "labelCode", 64)
            .OptionalText(command.CertificateNumber, "certificateNumber", 40)
            .OptionalText(command.Complainant?.Name, "complainant.name")
            .OptionalText(command.Complainant?.Organisation, "complainant.organisation")
            .OptionalText(command.Complainant?.Contact, "complainant.contact")
            .Require(command.Category is not (ComplaintCategory.CounterfeitLabel or ComplaintCategory.MisuseOfMark)
                     || !string.IsNullOrWhiteSpace(command.LabelCode) || !string.IsNullOrWhiteSpace(command.CertificateNumber),
                "labelCode", "a complaint about a label or the mark gives the label's code or the certificate number it shows")
            .ToProblem();

    /// <summary>
    /// Anyone may complain, without signing in: a buyer with a doubtful jar, customs with a label
    /// the registry does not know, a producer about the body. The complaint is linked to the
    /// certification file when its label or certificate is known (a forged code is recorded as
    /// given). The answer holds a reference and a tracking key to follow it; the complainant's
    /// name and contact, if given, are seen only by certification staff.
    /// </summary>
    /// <summary>
    /// Anonymous complaints are limited per client (a keyed hash of its address): at most
    /// Ovop:Complaints:PerClient (10) in Ovop:Complaints:WindowHours (24), then 429.
    /// </summary>
    public static async Task<ProblemDetails> Before(HttpContext context, ClientPseudonyms clients, ComplaintSettings settings, IQuerySession session, TimeProvider clock, CancellationToken ct)
    {
        if (context.User.Identity?.IsAuthenticated == true || clients.NameOf(context.Connection.RemoteIpAddress) is not { } client)
        {
            return WolverineContinue.NoProblems;
        }

        var since = clock.GetUtcNow().AddHours(-settings.WindowHours);
        if (await session.Query<Complaint>().CountAsync(c => c.Client == client && c.ReceivedAt > since, ct) < settings.PerClient)
        {
            return WolverineContinue.NoProblems;
        }

        context.Response.Headers.RetryAfter = (settings.WindowHours * 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new ProblemDetails
        {
            Type = Problems.TypeBase + "complaint-limit",
            Title = "Too many complaints",
            Status = StatusCodes.Status429TooManyRequests,
            Detail = $"This client sent {settings.PerClient} complaints in {settings.WindowHours} hours without signing in; the body reads each of them. Write to the body directly, or try again later.",
        };
    }

    [WolverinePost("/api/complaints", OperationId = "SubmitComplaint")]
    [Tags("Complaints")]
    [AllowAnonymous]
    public static async Task<(ComplaintReceipt, IStartStream)> Post(
        SubmitComplaint command, HttpContext context, LabelLookup labels, ClientPseudonyms clients, ComplaintSettings settings, IQuerySession session,
        NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var code = LabelCode.Normalize(command.LabelCode) is { } canonical && LabelCode.HasValidCheck(canonical) ? canonical : null;
        var certificateNumber = string.IsNullOrWhiteSpace(command.CertificateNumber) ? null : command.CertificateNumber.Trim().ToUpperInvariant();
        Guid? fileId = null;
        string? producerNumber = null;
        if (code is not null && await labels.FindAsync(code, ct) is { } label)
        {
            var certificate = label.Certificate.Certificate;
            (fileId, producerNumber, certificateNumber) = (certificate.Id, certificate.ProducerNumber, certificateNumber ?? certificate.CertificateNumber);
        }
        else if (certificateNumber is not null && await GetCertificateEndpoint.FindAsync(certificateNumber, session, ct) is { } certificate)
        {
            (fileId, producerNumber) = (certificate.Id, certificate.ProducerNumber);
        }

        var client = context.User.Identity?.IsAuthenticated == true ? null : clients.NameOf(context.Connection.RemoteIpAddress);
        var description = command.Description.Trim();
        var repeatOf = await RepeatOfAsync(session, client, description, code ?? command.LabelCode?.Trim(), certificateNumber, fileId, now.AddHours(-settings.WindowHours), ct);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var reference = await Identifiers.NextComplaintReferenceAsync(database, now, ct);
        var id = Guid.CreateVersion7();
        var by = context.User.Identity?.IsAuthenticated == true ? context.User.Actor().Subject : Actor.Public.Subject;
        var received = new ComplaintReceived(
            id, reference, command.Category, description, code ?? command.LabelCode?.Trim(), certificateNumber, fileId, producerNumber,
            command.Complainant, TrackingKeys.Hash(key), by, now, client, repeatOf);
        var statusUrl = $"/api/complaints/{reference}/status?key={key}";
        return (new ComplaintReceipt(id, reference, key, statusUrl, repeatOf, 1), MartenOps.StartStream<Complaint>(id, received));
    }

    /// <summary>
    /// The earlier complaint this one repeats, if any: about the same label or certificate within the
    /// window, from the same client or in the same words. A repeat is kept and read by staff like any
    /// complaint, but the producer is not told of it again.
    /// </summary>
    private static async Task<string?> RepeatOfAsync(
        IQuerySession session, string? client, string description, string? labelCode, string? certificateNumber, Guid? fileId, DateTimeOffset since, CancellationToken ct)
    {
        if (labelCode is null && certificateNumber is null && fileId is null)
        {
            return null;
        }

        var earlier = await session.Query<Complaint>()
            .Where(c => c.ReceivedAt > since && c.RepeatOf == null)
            .Where(c => (fileId != null && c.FileId == fileId) || (labelCode != null && c.LabelCode == labelCode) || (certificateNumber != null && c.CertificateNumber == certificateNumber))
            .Where(c => (client != null && c.Client == client) || c.Description == description)
            .OrderBy(c => c.ReceivedAt)
            .FirstOrDefaultAsync(ct);
        return earlier?.Reference;
    }
}

/// <summary>Tracking keys are stored hashed and compared in constant time.</summary>
public static class TrackingKeys
{
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string? key, string hash) =>
        key is { Length: > 0 and <= 64 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(hash));
}

/// <summary>How a complaint stands, for the complainant: no names, no internal notes.</summary>
public sealed record ComplaintStatusAnswer(
    string Reference, ComplaintCategory Category, ComplaintStatus Status, DateTimeOffset ReceivedAt, ComplaintOutcome? Outcome, string? Answer, DateTimeOffset? ResolvedAt);

public static class GetComplaintStatusEndpoint
{
    /// <summary>How a complaint stands, for whoever holds its reference and tracking key; otherwise 404, whether or not the reference exists.</summary>
    [WolverineGet("/api/complaints/{reference}/status", OperationId = "GetComplaintStatus")]
    [Tags("Complaints")]
    [AllowAnonymous]
    public static async Task<Results<Ok<ComplaintStatusAnswer>, ProblemHttpResult>> Get(string reference, string? key, IQuerySession session, CancellationToken ct)
    {
        var normalized = reference.Trim().ToUpperInvariant();
        var complaint = await session.Query<Complaint>().Where(c => c.Reference == normalized).FirstOrDefaultAsync(ct);
        var first = complaint is null ? [] : await session.Events.FetchStreamAsync(complaint.Id, version: 1, token: ct);
        var received = first.Count > 0 ? first[0].Data as ComplaintReceived : null;
        return complaint is not null && received is not null && TrackingKeys.Matches(key, received.TrackingKeyHash)
            ? TypedResults.Ok(new ComplaintStatusAnswer(complaint.Reference, complaint.Category, complaint.Status, complaint.ReceivedAt, complaint.Outcome, complaint.Answer, complaint.ResolvedAt))
            : TypedResults.Problem(Problems.NotFound("complaint", $"No complaint {reference} with that tracking key: check both against the receipt."));
    }
}
