using Microsoft.AspNetCore.Http.HttpResults;
using OvopQuality.Api.Producers;
using OvopQuality.Api.Producers.Reading;

namespace OvopQuality.Api.Access;

public sealed record MyProducer(Guid Id, string Number, LocalizedText LegalName, long Version);

/// <summary>
/// Who the caller is, as the service sees the token: subject, display name and role; for a producer
/// its producer and the first page of its files; and the addresses the role reaches for first.
/// </summary>
public sealed record WhoAmI(
    string Subject, string Name, string Role, string? ProducerNumber, MyProducer? Producer, Page<ProducerCertification>? Files, IReadOnlyDictionary<string, string> Links);

public static class GetMeEndpoint
{
    /// <summary>
    /// Who am I: the caller's identity and role; a producer's own producer record and first page of
    /// files (<c>files.next</c> continues at <c>links.files</c>); and the addresses the role uses first.
    /// </summary>
    [WolverineGet("/api/me", OperationId = "GetMe")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.Everyone)]
    public static async Task<Ok<WhoAmI>> Get(IQuerySession session, Actor actor, CancellationToken ct)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal) { ["standards"] = "/api/standards" };
        MyProducer? mine = null;
        Page<ProducerCertification>? files = null;
        if (actor.Is(Roles.Producer) && actor.ProducerNumber is { } number
            && await session.Query<Producer>().FirstOrDefaultAsync(p => p.Number == number, ct) is { } producer)
        {
            mine = new MyProducer(producer.Id, producer.Number, producer.LegalName, producer.Version);
            files = await GetProducerCertificationsEndpoint.PageAsync(producer.Id, new PageRequest(0, Paging.DefaultLimit), session, ct);
            links["producer"] = $"/api/producers/{producer.Id}";
            links["files"] = $"/api/producers/{producer.Id}/certifications";
            links["notifications"] = $"/api/producers/{producer.Id}/notifications";
            links["apply"] = "/api/certifications";
        }

        if (actor.Is(Roles.Inspector))
        {
            links["inspections"] = $"/api/inspectors/{Uri.EscapeDataString(actor.Subject)}/inspections";
            links["reviews"] = $"/api/inspectors/{Uri.EscapeDataString(actor.Subject)}/reviews";
        }

        if (actor.Is(Roles.CertificationOfficer) || actor.Is(Roles.Administrator))
        {
            links["producers"] = "/api/producers";
            links["surveillance"] = "/api/surveillance";
            links["cloneSignals"] = "/api/clone-signals";
            links["complaints"] = "/api/complaints";
        }

        if (actor.Is(Roles.Ministry) || actor.Is(Roles.CertificationOfficer) || actor.Is(Roles.Administrator))
        {
            links["statistics"] = "/api/statistics";
        }

        return TypedResults.Ok(new WhoAmI(actor.Subject, actor.Name, actor.Role, actor.ProducerNumber, mine, files, links));
    }
}
