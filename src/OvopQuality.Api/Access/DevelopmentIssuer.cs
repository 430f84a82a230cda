using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OvopQuality.Api.Access;

/// <summary>
/// A token issuer for the local run and the tests only: an ECDSA P-256 key generated on first use
/// into a folder outside the repository's tracked files (.keys/ by default). The service refuses
/// to trust it outside the Development environment.
/// </summary>
public sealed class DevelopmentIssuer
{
    public const string Issuer = "https://ovopquality.local/development-issuer";
    public const string Audience = "ovopquality";

    public DevelopmentIssuer(string keyFile)
    {
        KeyFile = Path.GetFullPath(keyFile);
        var ecdsa = ECDsa.Create();
        if (File.Exists(KeyFile))
        {
            ecdsa.ImportFromPem(File.ReadAllText(KeyFile));
        }
        else
        {
            ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            SecretFiles.WriteNew(KeyFile, ecdsa.ExportPkcs8PrivateKeyPem());
        }

        Key = new ECDsaSecurityKey(ecdsa) { KeyId = Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
    }

    public string KeyFile { get; }

    public ECDsaSecurityKey Key { get; }

    public static string DefaultKeyFile => Path.Combine(Directory.GetCurrentDirectory(), ".keys", "development-issuer.pem");

    public string Issue(string subject, string role, string? name = null, string? producerNumber = null, TimeSpan? lifetime = null, DateTimeOffset? now = null)
    {
        var issuedAt = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [OvopClaims.Subject] = subject,
            [OvopClaims.Name] = name ?? subject,
            [OvopClaims.Role] = role,
        };
        if (producerNumber is not null)
        {
            claims[OvopClaims.ProducerNumber] = producerNumber;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (lifetime ?? TimeSpan.FromHours(12)),
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>
    /// <c>OvopQuality.Api token --role inspector --sub inspector-nazarov [--name ...] [--producer TJ-P-000001] [--hours 12]</c>:
    /// prints a token of the development issuer.
    /// </summary>
    public static int TokenCommand(string[] args, string keyFile, TextWriter output)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var role = Arg("--role");
        var subject = Arg("--sub");
        if (role is null || subject is null || !Roles.All.Contains(role))
        {
            output.WriteLine($"usage: token --role <{string.Join('|', Roles.All)}> --sub <user id> [--name <display name>] [--producer <producer number>] [--hours <n>]");
            return 2;
        }

        if (role == Roles.Producer && Arg("--producer") is null)
        {
            output.WriteLine("token: a producer's token is bound to a producer number: add --producer TJ-P-000001");
            return 2;
        }

        var hours = double.TryParse(Arg("--hours"), System.Globalization.CultureInfo.InvariantCulture, out var h) ? h : 12;
        output.WriteLine(new DevelopmentIssuer(keyFile).Issue(subject, role, Arg("--name"), Arg("--producer"), TimeSpan.FromHours(hours)));
        return 0;
    }
}
