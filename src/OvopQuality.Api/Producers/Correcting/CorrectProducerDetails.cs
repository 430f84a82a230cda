using Wolverine.Marten;

namespace OvopQuality.Api.Producers.Correcting;

public sealed record CorrectProducerDetails(long ExpectedVersion, LocalizedText LegalName, Address Address, Contact Contact, string Reason);

public static class CorrectProducerDetailsEndpoint
{
    public static ProblemDetails Validate(CorrectProducerDetails command) =>
        ProducerRules.CheckDetails(new Validation().Version(command.ExpectedVersion), command.LegalName, command.Address, command.Contact)
            .Text(command.Reason, "reason", 500)
            .ToProblem();

    public static ProblemDetails Before(CorrectProducerDetails command, Producer producer, Actor actor) =>
        !actor.MayActFor(producer.Number)
            ? ProducerRules.NotFound(producer.Id)
            : Versioning.Check(command.ExpectedVersion, producer.Version, "producer");

    /// <summary>Corrects a producer's name, address or contact; the earlier details stay in its history.</summary>
    [WolverinePost("/api/producers/{producerId}/corrections", OperationId = "CorrectProducerDetails")]
    [Tags("Producers")]
    [EmptyResponse]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static ProducerDetailsCorrected Post(
        CorrectProducerDetails command, [WriteAggregate("producerId")] Producer producer, TimeProvider clock) =>
        new(producer.Id, command.LegalName, command.Address, command.Contact, command.Reason, clock.GetUtcNow());
}
