using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OvopQuality.Api.Access;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Access;

public class TokenTests(AppFixture app) : CertificationTest(app)
{
    private const string Protected = "/api/standards";

    private Task<Reply> WithToken(string token) => Send(HttpMethod.Get, Protected, null, null, token);

    private static string Token(SecurityKey key, string audience = DevelopmentIssuer.Audience, string issuer = DevelopmentIssuer.Issuer, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = "admin-test", ["role"] = Roles.Administrator },
            IssuedAt = (expires ?? now.AddHours(1)).AddHours(-2),
            NotBefore = (expires ?? now.AddHours(1)).AddHours(-2),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    [Fact]
    public async Task A_good_token_of_the_trusted_issuer_gets_in() =>
        (await WithToken(Token(App.Issuer.Key))).Is(HttpStatusCode.OK);

    [Fact]
    public async Task No_token_is_a_401_problem() =>
        (await Send(HttpMethod.Get, Protected, null, null)).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");

    [Fact]
    public async Task A_token_signed_by_another_key_is_a_401_problem()
    {
        var forger = new ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)) { KeyId = App.Issuer.Key.KeyId };

        (await WithToken(Token(forger))).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_token_for_another_audience_or_issuer_is_a_401_problem()
    {
        (await WithToken(Token(App.Issuer.Key, audience: "another-service"))).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await WithToken(Token(App.Issuer.Key, issuer: "https://evil.example"))).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task An_expired_token_is_a_401_problem() =>
        (await WithToken(Token(App.Issuer.Key, expires: DateTime.UtcNow.AddMinutes(-5)))).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");

    [Fact]
    public async Task A_tampered_token_is_a_401_problem()
    {
        var token = TokenOf(new User("inspector-x", Roles.Inspector));
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("\"inspector\"", "\"administrator\"", StringComparison.Ordinal);

        (await WithToken($"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}")).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData("ovop-label+jws")]
    [InlineData("ovop-status+jws")]
    [InlineData("JOSE")]
    public async Task A_token_of_another_type_is_a_401_even_signed_by_the_trusted_key(string type)
    {
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = DevelopmentIssuer.Issuer,
            Audience = DevelopmentIssuer.Audience,
            Claims = new Dictionary<string, object> { ["sub"] = "admin-test", ["role"] = Roles.Administrator },
            Expires = now.AddHours(1),
            TokenType = type,
            SigningCredentials = new SigningCredentials(App.Issuer.Key, SecurityAlgorithms.EcdsaSha256),
        });

        (await WithToken(token)).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task An_unsigned_token_or_one_signed_with_the_public_key_as_a_shared_secret_is_a_401()
    {
        var claims = Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = DevelopmentIssuer.Issuer, ["aud"] = DevelopmentIssuer.Audience, ["sub"] = "admin-test", ["role"] = Roles.Administrator,
            ["exp"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        }));
        var none = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        (await WithToken($"{none}.{claims}.")).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");

        var hs256 = Base64UrlEncoder.Encode($"{{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"{App.Issuer.Key.KeyId}\"}}");
        var publicKey = App.Issuer.Key.ECDsa.ExportSubjectPublicKeyInfo();
        var mac = Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA256.HashData(publicKey, System.Text.Encoding.ASCII.GetBytes($"{hs256}.{claims}")));
        (await WithToken($"{hs256}.{claims}.{mac}")).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task A_label_statement_is_never_a_bearer_token()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var statement = (await GetAnonymously($"/api/labels/{code}/token")).Json["token"]!.GetValue<string>();

        (await WithToken(statement)).IsProblem(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public void The_development_issuer_is_refused_outside_development()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Ovop:Auth:DevelopmentIssuer"] = "true" })
            .Build();
        var production = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Production" };

        var refusal = OvopQuality.Api.Infrastructure.SettingsCheck.Problems(configuration, production, serving: true);

        Assert.Contains(refusal, p => p.StartsWith("Ovop:Auth:DevelopmentIssuer: the development token issuer is refused in the Production environment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_service_itself_will_not_start_in_production_with_the_development_issuer()
    {
        var start = () => Alba.AlbaHost.For<Program>(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
        });

        var refusal = await Assert.ThrowsAnyAsync<Exception>(start);

        Assert.Contains("development token issuer", refusal.ToString(), StringComparison.Ordinal);
    }
}
