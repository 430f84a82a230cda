using Wolverine.Marten;

namespace OvopQuality.Api.Producers.RegisteringProducts;

/// <summary>A product registered: its id, its producer, and the producer record's version for the next command.</summary>
public sealed record ProductCreated(Guid Id, Guid ProducerId, string ProducerNumber, long Version)
    : CreationResponse($"/api/producers/{ProducerId}/products/{Id}");

public sealed record RegisterProduct(long ExpectedVersion, LocalizedText Name, ProductCategory Category, string HsCode);

public static class RegisterProductEndpoint
{
    public static ProblemDetails Validate(RegisterProduct command)
    {
        var v = new Validation().Version(command.ExpectedVersion)
            .Require(command.Name is not null, "name", "is required")
            .Defined(command.Category, "category")
            .Require(ProducerRules.IsHsCode(command.HsCode), "hsCode", "must be a Harmonized System code of 6 to 10 digits");
        command.Name?.Check(v, "name");
        return v.ToProblem();
    }

    public static ProblemDetails Before(RegisterProduct command, Producer producer, Actor actor)
    {
        if (!actor.MayActFor(producer.Number))
        {
            return ProducerRules.NotFound(producer.Id);
        }

        if (Versioning.Check(command.ExpectedVersion, producer.Version, "producer") is var stale && stale.Stops())
        {
            return stale;
        }

        return producer.Products.Any(p => string.Equals(p.Name.En, command.Name.En, StringComparison.OrdinalIgnoreCase))
            ? Problems.Conflict("product-already-registered", $"{producer.Number} already has a product named '{command.Name.En}'.")
            : WolverineContinue.NoProblems;
    }

    /// <summary>Registers a product of a producer.</summary>
    [WolverinePost("/api/producers/{producerId}/products", OperationId = "RegisterProduct")]
    [Tags("Producers")]
    [Authorize(Roles = Roles.ProducerOrStaff)]
    public static (ProductCreated, ProductRegistered) Post(
        RegisterProduct command, [WriteAggregate("producerId")] Producer producer, TimeProvider clock)
    {
        var productId = Guid.CreateVersion7();
        var registered = new ProductRegistered(producer.Id, productId, command.Name, command.Category, command.HsCode, clock.GetUtcNow());
        return (new ProductCreated(productId, producer.Id, producer.Number, producer.Version + 1), registered);
    }
}
