using System.Reflection;

namespace OvopQuality.Api.Access;

/// <summary>
/// Hands endpoints the <see cref="Actor"/> of the signed-in user, so that rules are pure functions
/// of an actor rather than of a claims principal. Applied to the endpoints that ask for one.
/// </summary>
public static class ActorMiddleware
{
    public static bool AppliesTo(HttpChain chain) =>
        chain.Method.HandlerType.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Any(m => m.GetParameters().Any(p => p.ParameterType == typeof(Actor)));

    public static Actor Before(HttpContext context) => context.User.Actor();
}
