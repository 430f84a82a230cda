using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// The settings the service will not start with, checked before anything is registered: a value that
/// would otherwise fail later (on every request, at the first label signed, when the first rate limit
/// is counted, in a background agent) stops the start instead, and every bad setting is named at once,
/// so that one correction fixes them all. Settings are named as configuration spells them
/// (<c>Ovop:Auth:Authority</c>; in the environment <c>Ovop__Auth__Authority</c>). Secrets (the
/// connection string, the key-encryption key) are never repeated in the message.
/// </summary>
public sealed class SettingsCheck
{
    /// <summary>The exit code of a refused start: EX_CONFIG of sysexits.h.</summary>
    public const int RefusedExitCode = 78;

    private const int Day = 86_400;

    /// <summary>What OpenID Connect providers sign with: asymmetric algorithms only (never "none", never a shared secret).</summary>
    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    };

    private readonly IConfiguration _configuration;
    private readonly IHostEnvironment _environment;
    private readonly List<string> _problems = [];

    private SettingsCheck(IConfiguration configuration, IHostEnvironment environment)
    {
        _configuration = configuration;
        _environment = environment;
    }

    /// <summary>
    /// Every bad setting, each as "setting: what is wrong"; none when the service may start.
    /// <paramref name="serving"/> is false for the commands that do not answer requests (such as
    /// <c>projections rebuild</c>): they need a database, not a sign-in provider or a public address.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration, IHostEnvironment environment, bool serving)
    {
        var check = new SettingsCheck(configuration, environment);
        check.Database();
        check.Replica();
        check.SignIn(serving);
        check.Signing();
        check.PublicAddress(serving);
        check.Proxies();
        check.Limits();
        check.Policies();
        check.Cluster();
        check.Webhooks();
        return check._problems;
    }

    /// <summary>The refusal, when there is one: a message naming every bad setting.</summary>
    public static SettingsRefusedException? Refusal(IConfiguration configuration, IHostEnvironment environment, bool serving) =>
        Problems(configuration, environment, serving) is { Count: > 0 } problems ? new SettingsRefusedException(problems) : null;

    private void Database()
    {
        if (string.IsNullOrWhiteSpace(_configuration.GetConnectionString("Ovop")))
        {
            Problem("ConnectionStrings:Ovop", "is not set: the Npgsql connection string of the service's database (deploy/run.sh starts a local PostgreSQL and sets it)");
            return;
        }

        ConnectionString("Ovop", "the server the database is on");
    }

    private void Replica()
    {
        if (_configuration.GetConnectionString("OvopReplica") is { Length: > 0 })
        {
            ConnectionString("OvopReplica", "the standby (or standby and primary, with Target Session Attributes=prefer-standby) label verification reads from");
        }
    }

    /// <summary>A connection string Npgsql can read and that names a host, or a problem naming it (never its password).</summary>
    private void ConnectionString(string name, string host)
    {
        var key = "ConnectionStrings:" + name;
        try
        {
            if (string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(_configuration.GetConnectionString(name)).Host))
            {
                Problem(key, "names no Host: " + host);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            // Npgsql's message names the keyword or the value it could not read, never the password.
            Problem(key, "is not a connection string Npgsql can read: " + e.Message);
        }
    }

    private void SignIn(bool serving)
    {
        var developmentIssuer = Flag("Ovop:Auth:DevelopmentIssuer");
        if (developmentIssuer && !_environment.IsDevelopment())
        {
            Problem("Ovop:Auth:DevelopmentIssuer",
                $"the development token issuer is refused in the {_environment.EnvironmentName} environment: " +
                "configure an OpenID Connect provider with Ovop:Auth:Authority and Ovop:Auth:Audience");
        }

        if (developmentIssuer)
        {
            return;
        }

        var authority = _configuration["Ovop:Auth:Authority"];
        if (string.IsNullOrWhiteSpace(authority))
        {
            if (serving)
            {
                Problem("Ovop:Auth:Authority",
                    "is not set: the OpenID Connect provider whose tokens the service trusts (for Keycloak https://<host>/realms/<realm>); " +
                    "in Development, Ovop:Auth:DevelopmentIssuer=true instead");
            }
        }
        else if (!IsWebAddress(authority, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            Problem("Ovop:Auth:Authority", $"must be an absolute https address such as https://sso.example.org/realms/ovop, not '{authority}'");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !(_environment.IsDevelopment() && uri.IsLoopback))
        {
            Problem("Ovop:Auth:Authority",
                $"must use https, not '{authority}': the service reads the provider's signing keys from it, and keys read over plain http could be anyone's " +
                "(http is accepted only in Development, for a provider on this machine)");
        }

        if (_configuration["Ovop:Auth:Audience"] is { } audience && string.IsNullOrWhiteSpace(audience))
        {
            Problem("Ovop:Auth:Audience", "is empty: the audience (client id) the provider issues the service's tokens for, ovopquality by default");
        }

        if (_configuration["Ovop:Auth:RoleClaim"] is { } roleClaim && string.IsNullOrWhiteSpace(roleClaim))
        {
            Problem("Ovop:Auth:RoleClaim", "is empty: the claim that holds the user's role, role by default");
        }

        foreach (var algorithm in _configuration.GetSection("Ovop:Auth:Algorithms").GetChildren())
        {
            if (algorithm.Value is not { } name || !AsymmetricAlgorithms.Contains(name))
            {
                Problem(algorithm.Path, $"must be one of {string.Join(", ", AsymmetricAlgorithms)}, not '{algorithm.Value}'");
            }
        }
    }

    private void Signing()
    {
        string? folder = null;
        if (_configuration["Ovop:Signing:KeyFolder"] is { } configuredFolder)
        {
            folder = FullPath("Ovop:Signing:KeyFolder", configuredFolder);
            if (folder is not null && File.Exists(folder))
            {
                Problem("Ovop:Signing:KeyFolder", $"names a file, '{folder}': it must be a folder (made on first run when missing)");
            }
        }
        else
        {
            folder = Path.Combine(Directory.GetCurrentDirectory(), ".keys", "signing");
        }

        var given = _configuration["Ovop:Signing:KeyEncryptionKey"];
        if (!string.IsNullOrWhiteSpace(given))
        {
            if (KeyProblem(given) is { } problem)
            {
                Problem("Ovop:Signing:KeyEncryptionKey", problem);
            }
        }
        else
        {
            var configuredFile = _configuration["Ovop:Signing:KeyEncryptionKeyFile"];
            var file = configuredFile is null ? (folder is null ? null : Path.Combine(folder, "key-encryption.key")) : FullPath("Ovop:Signing:KeyEncryptionKeyFile", configuredFile);
            var key = configuredFile is null ? "Ovop:Signing:KeyFolder" : "Ovop:Signing:KeyEncryptionKeyFile";
            if (file is not null && Directory.Exists(file))
            {
                Problem(key, $"names a folder, '{file}', where the key-encryption key's file should be");
            }
            else if (file is not null && File.Exists(file))
            {
                try
                {
                    if (KeyProblem(File.ReadAllText(file).Trim()) is { } problem)
                    {
                        Problem(key, $"the key-encryption key in '{file}' {problem}");
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Problem(key, $"the key-encryption key file '{file}' cannot be read: {e.Message}");
                }
            }
        }

        Number("Ovop:Signing:SnapshotMaxAgeHours", 0, 8_760, minimumIncluded: false);
        Number("Ovop:Signing:SnapshotCacheSeconds", 0, Day);
    }

    private void PublicAddress(bool serving)
    {
        const string key = "Ovop:PublicBaseUrl";
        var url = _configuration[key];
        if (url is null)
        {
            if (serving && !_environment.IsDevelopment())
            {
                Problem(key, "is not set: outside Development it must be the public https address label QR codes open, such as https://verify.ovop.tj");
            }
        }
        else if (!IsWebAddress(url, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            Problem(key, $"must be an absolute http or https address such as https://verify.ovop.tj, with no query, not '{url}'");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !_environment.IsDevelopment())
        {
            Problem(key, $"must use https outside Development, not '{url}': it is printed in every label's QR code");
        }

        foreach (var origin in _configuration.GetSection("Ovop:Cors:VerificationOrigins").GetChildren())
        {
            if (origin.Value != "*" && !(IsWebAddress(origin.Value, out var web) && string.Equals(origin.Value, web.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)))
            {
                Problem(origin.Path, $"must be * or a web origin such as https://verify.example.org (scheme, host and port, no path or trailing slash), not '{origin.Value}'");
            }
        }
    }

    private void Proxies()
    {
        foreach (var proxy in _configuration.GetSection("Ovop:ForwardedHeaders:KnownProxies").GetChildren())
        {
            if (!IsIpAddress(proxy.Value))
            {
                Problem(proxy.Path, $"must be an IP address such as 10.0.0.5, not '{proxy.Value}'");
            }
        }

        foreach (var network in _configuration.GetSection("Ovop:ForwardedHeaders:KnownNetworks").GetChildren())
        {
            var address = network.Value?.Split('/')[0];
            if (!IPNetwork.TryParse(network.Value, out _) || !IsIpAddress(address))
            {
                Problem(network.Path, $"must be a network in CIDR notation such as 10.0.0.0/8, not '{network.Value}'");
            }
        }

        WholeNumber("Ovop:ForwardedHeaders:ForwardLimit", 1, 100);
    }

    private void Limits()
    {
        WholeNumber("Ovop:MaxRequestBodyBytes", 1, long.MaxValue);
        foreach (var limit in new[] { "Public", "PublicBody", "OpenDataAsOf", "User" })
        {
            WholeNumber($"Ovop:RateLimits:{limit}:PermitLimit", 1, int.MaxValue);
            WholeNumber($"Ovop:RateLimits:{limit}:WindowSeconds", 1, Day);
        }

        WholeNumber("Ovop:Complaints:PerClient", 1, int.MaxValue);
        WholeNumber("Ovop:Complaints:WindowHours", 1, 8_760);
        Number("Ovop:Verification:CertificateSeconds", 0, Day);
        Number("Ovop:Verification:StandbyMaxLagSeconds", 0, Day);
        WholeNumber("Ovop:Verification:LabelsInMemory", 0, 1_000_000_000);
        _ = Flag("Ovop:Verification:PreloadLabels");
    }

    private void Policies()
    {
        WholeNumber("Ovop:Lifecycle:SurveillanceMonths", 1, 120);
        WholeNumber("Ovop:Lifecycle:SurveillanceGraceDays", 0, 3_650);
        WholeNumber("Ovop:Lifecycle:MaximumSuspensionDays", 1, 3_650);
        foreach (var days in _configuration.GetSection("Ovop:Lifecycle:ReminderDays").GetChildren())
        {
            WholeNumber(days.Path, 1, 3_650);
        }

        Number("Ovop:Clones:FarApartKilometres", 0, 40_075, minimumIncluded: false);
        WholeNumber("Ovop:Clones:WindowHours", 1, 8_760);
        WholeNumber("Ovop:Clones:MaximumScans", 1, int.MaxValue);
        Number("Ovop:Clones:RefreshSeconds", 0, Day, minimumIncluded: false);
        Number("Ovop:OpenData:CheckSeconds", 1, Day);
        Number("Ovop:OpenData:MinimumSeconds", 0, Day);
        Number("Ovop:Directory:ReloadSeconds", 0, Day, minimumIncluded: false);
    }

    private void Cluster()
    {
        var health = Number("Ovop:Cluster:HealthCheckSeconds", 0, Day, minimumIncluded: false);
        var stale = Number("Ovop:Cluster:StaleNodeSeconds", 0, Day, minimumIncluded: false);
        Number("Ovop:Cluster:CheckAssignmentSeconds", 0, Day, minimumIncluded: false);
        Number("Ovop:Cluster:ScheduledJobSeconds", 0, Day, minimumIncluded: false);
        // A node whose heartbeat is older than this is taken for dead: with heartbeats rarer than
        // that, live nodes would take each other's work in turn.
        if (health is not null || stale is not null)
        {
            var durability = new Wolverine.DurabilitySettings();
            var (heartbeat, timeout) = (health ?? durability.HealthCheckPollingTime.TotalSeconds, stale ?? durability.StaleNodeTimeout.TotalSeconds);
            if (timeout <= heartbeat)
            {
                Problem("Ovop:Cluster:StaleNodeSeconds",
                    $"({timeout.ToString(CultureInfo.InvariantCulture)}) must be longer than Ovop:Cluster:HealthCheckSeconds ({heartbeat.ToString(CultureInfo.InvariantCulture)}), " +
                    "or live nodes are taken for dead between two heartbeats");
            }
        }
    }

    /// <summary>Webhook delivery: loopback over plain http only in Development, and times that parse and are positive.</summary>
    private void Webhooks()
    {
        const string loopback = "Ovop:Webhooks:AllowInsecureLoopback";
        if (_configuration[loopback] is { } allow && (!bool.TryParse(allow, out var allowed) || (allowed && !_environment.IsDevelopment())))
        {
            Problem(loopback, "may be true in Development only (webhooks to http://127.0.0.1 for tests); elsewhere leave it false");
        }

        foreach (var key in new[] { "Timeout", "FirstRetryAfter", "LongestWait", "RetryFor" })
        {
            if (_configuration["Ovop:Webhooks:" + key] is { } value
                && !(TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero))
            {
                Problem("Ovop:Webhooks:" + key, $"must be a positive time such as 00:00:10, not '{value}'");
            }
        }
    }

    private void Problem(string key, string problem) => _problems.Add($"{key}: {problem}");

    private bool Flag(string key)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return false;
        }

        if (bool.TryParse(value, out var flag))
        {
            return flag;
        }

        Problem(key, $"must be true or false, not '{value}'");
        return false;
    }

    /// <summary>The setting's value when it is a number in range (null when absent or bad, the bad one noted).</summary>
    private double? Number(string key, double minimum, double maximum, bool minimumIncluded = true)
    {
        var value = _configuration[key];
        if (value is null)
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && (minimumIncluded ? number >= minimum : number > minimum) && number <= maximum)
        {
            return number;
        }

        var range = minimumIncluded ? $"from {minimum} to {maximum}" : $"above {minimum} and at most {maximum}";
        Problem(key, string.Create(CultureInfo.InvariantCulture, $"must be a number {range}, not '{value}'"));
        return null;
    }

    private void WholeNumber(string key, long minimum, long maximum)
    {
        var value = _configuration[key];
        if (value is not null && !(long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum))
        {
            Problem(key, string.Create(CultureInfo.InvariantCulture, $"must be a whole number from {minimum} to {maximum}, not '{value}'"));
        }
    }

    private string? FullPath(string key, string path)
    {
        try
        {
            return string.IsNullOrWhiteSpace(path) ? throw new ArgumentException("empty") : Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Problem(key, $"is not a usable path: '{path}'");
            return null;
        }
    }

    private static string? KeyProblem(string base64)
    {
        var bytes = new byte[base64.Length];
        return !Convert.TryFromBase64String(base64, bytes, out var length) ? "is not base64: it must be 32 random bytes, base64-encoded (openssl rand -base64 32)"
            : length != 32 ? $"holds {length} bytes: it must be 32, base64-encoded (openssl rand -base64 32)"
            : null;
    }

    private static bool IsWebAddress(string? value, out Uri uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;

    /// <summary>An address written out in full: IPAddress also reads "10.1" or "167772161" as IPv4 addresses.</summary>
    private static bool IsIpAddress(string? value) =>
        IPAddress.TryParse(value, out var address)
        && (address.AddressFamily == AddressFamily.InterNetworkV6 || value!.Count(c => c == '.') == 3);
}

/// <summary>The service will not start with these settings; the message names each one and what is wrong with it.</summary>
public sealed class SettingsRefusedException(IReadOnlyList<string> problems) : Exception(
    $"OvopQuality will not start: {(problems.Count == 1 ? "a setting is" : $"{problems.Count} settings are")} wrong.{Environment.NewLine}" +
    string.Concat(problems.Select(p => $"  - {p}{Environment.NewLine}")) +
    "(In the environment, ':' is written '__': Ovop__Auth__Authority.)")
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
