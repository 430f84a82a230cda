using Wolverine.Marten;

namespace OvopQuality.Api.Producers.Correcting;

public sealed record CorrectProducerDetails(long ExpectedVersion, LocalizedText LegalName, Address Address, Contact Contact, string Reason);

/// <summary>A producer's record changed: its id and number, and its version for the next command.</summary>
public sealed record ProducerChanged(Guid Id, string Number, long Version);

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
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (ProducerChanged, ProducerDetailsCorrected) Post(
        CorrectProducerDetails command, [WriteAggregate("producerId")] Producer producer, TimeProvider clock) =>
        (new ProducerChanged(producer.Id, producer.Number, producer.Version + 1),
            new ProducerDetailsCorrected(producer.Id, command.LegalName, command.Address, command.Contact, command.Reason, clock.GetUtcNow()));
}

/// <summary>
/// A change of some of a producer's details: every field left out (or null) keeps its value, so
/// a new phone number is sent alone. The result is checked as a whole, as a full correction is.
/// </summary>
public sealed record ChangeProducerDetails(
    long ExpectedVersion, string Reason, LocalizedTextChange? LegalName = null, AddressChange? Address = null, ContactChange? Contact = null)
{
    public (LocalizedText LegalName, Address Address, Contact Contact) Applied(Producer producer) =>
        (new LocalizedText(LegalName?.Tg ?? producer.LegalName.Tg, LegalName?.Ru ?? producer.LegalName.Ru, LegalName?.En ?? producer.LegalName.En),
         new Address(Address?.Region ?? producer.Address.Region, Address?.District ?? producer.Address.District, Address?.Village ?? producer.Address.Village),
         new Contact(Contact?.Person ?? producer.Contact.Person, Contact?.Phone ?? producer.Contact.Phone, Contact?.Email ?? producer.Contact.Email));
}

public sealed record LocalizedTextChange(string? Tg = null, string? Ru = null, string? En = null);

public sealed record AddressChange(Region? Region = null, string? District = null, string? Village = null);

public sealed record ContactChange(string? Person = null, string? Phone = null, string? Email = null);

public static class ChangeProducerDetailsEndpoint
{
    public static ProblemDetails Validate(ChangeProducerDetails command) =>
        new Validation().Version(command.ExpectedVersion).Text(command.Reason, "reason", 500).ToProblem();

    public static ProblemDetails Before(ChangeProducerDetails command, Producer producer, Actor actor)
    {
        if (!actor.MayActFor(producer.Number))
        {
            return ProducerRules.NotFound(producer.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, producer.Version, "producer") is var stale && stale.Stops())
        {
            return stale;
        }

        var (legalName, address, contact) = command.Applied(producer);
        return ProducerRules.CheckDetails(new Validation(), legalName, address, contact).ToProblem();
    }

    /// <summary>Changes some of a producer's details (name, address, contact), keeping every field not sent; the earlier details stay in its history.</summary>
    [WolverinePatch("/api/producers/{producerId}", OperationId = "ChangeProducerDetails")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (ProducerChanged, ProducerDetailsCorrected) Patch(
        ChangeProducerDetails command, [WriteAggregate("producerId")] Producer producer, TimeProvider clock)
    {
        var (legalName, address, contact) = command.Applied(producer);
        return (new ProducerChanged(producer.Id, producer.Number, producer.Version + 1),
            new ProducerDetailsCorrected(producer.Id, legalName, address, contact, command.Reason, clock.GetUtcNow()));
    }
}
