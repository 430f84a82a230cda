
namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// Optimistic concurrency as the client sees it: every command names the version of the stream it
/// read, and is refused with 409 when the stream has moved on. The check runs after the aggregate
/// is loaded, so an unknown id is a 404 rather than a version conflict; a writer that slips in
/// between this check and the commit is still caught by Marten when the events are appended.
/// </summary>
public static class Versioning
{
    public static ProblemDetails Check(long expectedVersion, long actualVersion, string what) =>
        expectedVersion == actualVersion
            ? WolverineContinue.NoProblems
            : Problems.StaleVersion($"You sent expectedVersion {expectedVersion}, but the {what} is at version {actualVersion}: read it again and retry.");
}
