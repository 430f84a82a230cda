using Npgsql;
using Wolverine.Marten;

namespace OvopQuality.Api.Producers.Registering;

/// <summary>A producer registered: its id and permanent number, and its record's version for the next command.</summary>
public sealed record ProducerCreated(Guid Id, string Number, long Version) : CreationResponse($"/api/producers/{Id}");

public sealed record RegisterProducer(LocalizedText LegalName, string TaxId, Address Address, Contact Contact);

public static class RegisterProducerEndpoint
{
    public static ProblemDetails Validate(RegisterProducer command) =>
        ProducerRules.CheckDetails(new Validation(), command.LegalName, command.Address, command.Contact)
            .Require(ProducerRules.IsTaxId(command.TaxId), "taxId", "must be the nine-digit taxpayer number (INN)")
            .ToProblem();

    public static async Task<ProblemDetails> LoadAsync(RegisterProducer command, IQuerySession session, CancellationToken ct)
    {
        var existing = await session.Query<Producer>().Where(p => p.TaxId == command.TaxId).Select(p => p.Number).FirstOrDefaultAsync(ct);
        return existing is null
            ? WolverineContinue.NoProblems
            : Problems.Conflict("producer-already-registered", $"A producer with tax id {command.TaxId} is already registered as {existing}.");
    }

    /// <summary>Registers a producer; the system assigns its permanent producer number.</summary>
    [WolverinePost("/api/producers", OperationId = "RegisterProducer")]
    [Authorize(Roles = Roles.Staff)]
    [Tags("Producers")]
    public static async Task<(ProducerCreated, IStartStream)> Post(
        RegisterProducer command, NpgsqlDataSource database, TimeProvider clock, CancellationToken ct)
    {
        var number = await Identifiers.NextProducerNumberAsync(database, ct);
        var id = Guid.CreateVersion7();
        var registered = new ProducerRegistered(id, number, command.LegalName, command.TaxId, command.Address, command.Contact, clock.GetUtcNow());
        return (new ProducerCreated(id, number, 1), MartenOps.StartStream<Producer>(id, registered));
    }
}
