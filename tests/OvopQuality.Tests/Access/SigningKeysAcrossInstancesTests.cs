using System.Security.Cryptography;
using Marten;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OvopQuality.Api.Labels.Signing;
using OvopQuality.Tests.Support;

namespace OvopQuality.Tests.Access;

/// <summary>
/// Several instances on one database sign with one key: made once, whichever starts first, and
/// usable by every instance that shares the key-encryption key, with no file copied between them.
/// Each test has a database of its own and two <see cref="SigningKeys"/> with folders of their own.
/// </summary>
public sealed class SigningKeysAcrossInstancesTests : IAsyncLifetime
{
    private readonly OwnDatabase _database = new("keys");
    private readonly string _folders = Path.Combine(Path.GetTempPath(), "ovop-keys-" + Guid.NewGuid().ToString("N"));
    private readonly string _kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private DocumentStore? _store;
    private NpgsqlDataSource? _data;

    public async ValueTask InitializeAsync()
    {
        await _database.CreateAsync();
        _data = NpgsqlDataSource.Create(_database.ConnectionString);
        _store = DocumentStore.For(o =>
        {
            o.Connection(_data);
            o.Schema.For<SigningKey>();
            o.Schema.For<SealedSigningKey>();
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _store?.Dispose();
        if (_data is not null)
        {
            await _data.DisposeAsync();
        }

        await _database.DisposeAsync();
        if (Directory.Exists(_folders))
        {
            Directory.Delete(_folders, recursive: true);
        }
    }

    private SigningKeys Instance(string name, string? kek = null) =>
        new(_store!, _data!, TimeProvider.System, new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ovop:Signing:KeyFolder"] = Path.Combine(_folders, name),
            ["Ovop:Signing:KeyEncryptionKey"] = kek ?? _kek,
        }).Build());

    [Fact]
    public async Task Instances_starting_together_make_one_active_key_and_each_signs_with_it()
    {
        using var a = Instance("a");
        using var b = Instance("b");
        var instances = new[] { a, b, Instance("c"), Instance("d") };

        // All ask at once, each finding no key yet: the lock lets one make it and the others take it.
        using var start = new Barrier(32);
        var asked = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(() =>
        {
            start.SignalAndWait(TestContext.Current.CancellationToken);
            return instances[i % 4].ActiveAsync(TestContext.Current.CancellationToken);
        })));

        Assert.Single(asked.Select(k => k.Key.Id).Distinct());
        var keys = await a.AllAsync(TestContext.Current.CancellationToken);
        Assert.Equal(KeyStatus.Active, Assert.Single(keys).Status);
        Assert.False(Directory.Exists(Path.Combine(_folders, "b")) && Directory.EnumerateFiles(Path.Combine(_folders, "b"), "*.pem").Any());

        var data = "TJ-OVOP-2026-000001"u8.ToArray();
        var signedByB = (await b.ActiveAsync(TestContext.Current.CancellationToken)).Private.SignData(data, HashAlgorithmName.SHA256);
        using var published = keys[0].PublicKey();
        Assert.True(published.VerifyData(data, signedByB, HashAlgorithmName.SHA256));
    }

    [Fact]
    public async Task A_rotation_on_one_instance_is_the_key_another_signs_with_next()
    {
        using var a = Instance("a");
        using var b = Instance("b");
        var first = (await b.ActiveAsync(TestContext.Current.CancellationToken)).Key;

        var rotated = await a.RotateAsync(TestContext.Current.CancellationToken);

        Assert.NotEqual(first.Id, rotated.Id);
        Assert.Equal(rotated.Id, (await b.ActiveAsync(TestContext.Current.CancellationToken)).Key.Id);
        Assert.Equal(KeyStatus.Retired, (await b.AllAsync(TestContext.Current.CancellationToken)).Single(k => k.Id == first.Id).Status);
    }

    [Fact]
    public async Task An_instance_given_another_key_encryption_key_says_so_and_a_revoked_key_is_gone_from_the_database()
    {
        using var a = Instance("a");
        var key = (await a.ActiveAsync(TestContext.Current.CancellationToken)).Key;
        using var stranger = Instance("c", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => stranger.ActiveAsync(TestContext.Current.CancellationToken));
        Assert.Contains("give every instance the same Ovop:Signing:KeyEncryptionKey", refused.Message, StringComparison.Ordinal);

        await a.RevokeAsync(key.Id, "Laptop stolen", TestContext.Current.CancellationToken);
        await using var session = _store!.QuerySession();
        Assert.Null(await session.LoadAsync<SealedSigningKey>(key.Id, TestContext.Current.CancellationToken));
        Assert.NotEqual(key.Id, (await a.ActiveAsync(TestContext.Current.CancellationToken)).Key.Id);
    }
}
