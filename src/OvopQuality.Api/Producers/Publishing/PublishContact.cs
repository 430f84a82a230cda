using OvopQuality.Api.Producers.Correcting;
using Wolverine.Marten;

namespace OvopQuality.Api.Producers.Publishing;

/// <summary>
/// Whether the producer's contact (person, phone, e-mail) may be shown in the public directory and
/// the open data. Staff recording the producer's agreement (many villages have no internet) name
/// the document it was given in: a signed form, a letter.
/// </summary>
public sealed record SetContactPublication(long ExpectedVersion, bool Publish, string? Evidence = null);

public static class SetContactPublicationEndpoint
{
    public static ProblemDetails Validate(SetContactPublication command) =>
        new Validation().Version(command.ExpectedVersion).OptionalText(command.Evidence, "evidence", 300).ToProblem();

    public static ProblemDetails Before(SetContactPublication command, Producer producer, Actor actor)
    {
        if (!actor.MayActFor(producer.Number))
        {
            return ProducerRules.NotFound(producer.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, producer.Version, "producer") is var stale && stale.Stops())
        {
            return stale;
        }

        if (command.Publish && actor.IsStaff && string.IsNullOrWhiteSpace(command.Evidence))
        {
            return Problems.Invalid(new Dictionary<string, string[]>
            {
                ["evidence"] = ["is required when staff record a producer's agreement to publish its contact: name the signed form or letter"],
            });
        }

        return command.Publish == producer.ContactPublished
            ? Problems.Conflict("contact-publication-unchanged", command.Publish ? "The producer's contact is already published." : "The producer's contact is not published.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>
    /// Publishes the producer's contact in the public directory and the open data, or stops
    /// publishing it; only the producer (or staff recording its signed agreement) may agree. Until
    /// it agrees, no contact of the producer is ever public.
    /// </summary>
    [WolverinePut("/api/producers/{producerId}/contact-publication", OperationId = "SetContactPublication")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (ProducerChanged, Events) Put(
        SetContactPublication command, [WriteAggregate("producerId")] Producer producer, TimeProvider clock) =>
        (new ProducerChanged(producer.Id, producer.Number, producer.Version + 1),
            [command.Publish
                ? new ContactPublicationAgreed(producer.Id, command.Evidence?.Trim(), clock.GetUtcNow())
                : new ContactPublicationWithdrawn(producer.Id, clock.GetUtcNow())]);
}
