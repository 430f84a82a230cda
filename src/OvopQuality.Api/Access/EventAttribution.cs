
namespace OvopQuality.Api.Access;

/// <summary>
/// Stamps every event a command appends with the authenticated actor (subject, name, role) and the
/// request's correlation id, in Marten's event metadata: who did each step is provable from the
/// store itself. Wolverine runs it before every command endpoint; a command from someone not
/// signed in (a public complaint) is attributed to the public, work without a request (seeding the
/// catalogue, scheduled transitions) to the system.
/// </summary>
public static class EventAttribution
{
    public const string ActorHeader = "actor";
    public const string ActorNameHeader = "actor-name";
    public const string ActorRoleHeader = "actor-role";

    public static bool AppliesTo(HttpChain chain) => !chain.HttpMethods.Contains("GET");

    public static void Before(HttpContext context, IDocumentSession session)
    {
        Stamp(session, context.User.Identity?.IsAuthenticated == true ? context.User.Actor() : Actor.Public);
        if (CorrelationMiddleware.Of(context) is { } correlation)
        {
            session.CorrelationId = correlation;
        }
    }

    public static void Stamp(IDocumentSession session, Actor actor)
    {
        session.SetHeader(ActorHeader, actor.Subject);
        session.SetHeader(ActorNameHeader, actor.Name);
        session.SetHeader(ActorRoleHeader, actor.Role);
    }
}
