using System.Security.Claims;

namespace OvopQuality.Api.Access;

/// <summary>The roles of the certification body's users, as they appear in the tokens' role claim.</summary>
public static class Roles
{
    public const string Producer = "producer";
    public const string Inspector = "inspector";
    public const string CertificationOfficer = "certification-officer";
    public const string Exporter = "exporter";
    public const string Ministry = "ministry";
    public const string Administrator = "administrator";

    public static readonly IReadOnlyList<string> All = [Producer, Inspector, CertificationOfficer, Exporter, Ministry, Administrator];

    /// <summary>Programme staff: they may act for a producer (many villages have no internet).</summary>
    public const string Staff = CertificationOfficer + "," + Administrator;

    public const string ProducerOrStaff = Producer + "," + Staff;

    public const string Everyone = Producer + "," + Inspector + "," + CertificationOfficer + "," + Exporter + "," + Ministry + "," + Administrator;
}

/// <summary>The claims OvopQuality reads from a token beyond the standard ones.</summary>
public static class OvopClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";

    /// <summary>The producer number a producer's account is bound to.</summary>
    public const string ProducerNumber = "producer_number";
}

/// <summary>Who is acting: taken from the authenticated token, never from a request body.</summary>
public sealed record Actor(string Subject, string Name, string Role, string? ProducerNumber)
{
    public static readonly Actor System = new("system", "OvopQuality", "system", null);

    /// <summary>Someone who did not sign in: a buyer, customs, anyone with a label in hand.</summary>
    public static readonly Actor Public = new("public", "Member of the public", "public", null);

    public bool Is(string role) => string.Equals(Role, role, StringComparison.Ordinal);

    public bool IsStaff => Is(Roles.CertificationOfficer) || Is(Roles.Administrator);

    /// <summary>
    /// Whether the actor may see a producer's records: staff and ministry see all, a producer only
    /// its own. Others are answered as if the record did not exist.
    /// </summary>
    public bool MaySeeProducer(string producerNumber) =>
        IsStaff || Is(Roles.Ministry) || (Is(Roles.Producer) && string.Equals(ProducerNumber, producerNumber, StringComparison.Ordinal));

    /// <summary>Whether the actor may act for a producer: staff for any, a producer for itself.</summary>
    public bool MayActFor(string producerNumber) =>
        IsStaff || (Is(Roles.Producer) && string.Equals(ProducerNumber, producerNumber, StringComparison.Ordinal));

    /// <summary>
    /// Whether the actor may read a certification file: staff all, a producer its own, an inspector
    /// the files they are assigned to.
    /// </summary>
    public bool MaySeeFile(string producerNumber, IEnumerable<string> inspectors) =>
        IsStaff
        || (Is(Roles.Producer) && string.Equals(ProducerNumber, producerNumber, StringComparison.Ordinal))
        || (Is(Roles.Inspector) && inspectors.Contains(Subject, StringComparer.OrdinalIgnoreCase));

    public static Actor From(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(OvopClaims.Subject) ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("An authenticated user without a subject claim.");
        var role = Roles.All.FirstOrDefault(user.IsInRole) ?? "";
        return new Actor(subject, user.FindFirstValue(OvopClaims.Name) ?? subject, role, user.FindFirstValue(OvopClaims.ProducerNumber));
    }
}

public static class ActorExtensions
{
    public static Actor Actor(this ClaimsPrincipal user) => Access.Actor.From(user);
}
