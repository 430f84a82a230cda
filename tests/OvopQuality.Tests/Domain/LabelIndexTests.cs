using Microsoft.Extensions.Configuration;
using OvopQuality.Api.Certification.Labelling;
using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Tests.Domain;

/// <summary>Where each label was issued, held in memory by its code's 80 random bits.</summary>
public class LabelIndexTests
{
    private static LabelIndex IndexOf(long? labelsInMemory = null) => new(new ConfigurationBuilder().AddInMemoryCollection(
        labelsInMemory is { } held ? new Dictionary<string, string?> { ["Ovop:Verification:LabelsInMemory"] = held.ToString(System.Globalization.CultureInfo.InvariantCulture) } : []).Build());

    [Fact]
    public void Every_code_has_a_key_of_its_own_and_what_is_not_a_canonical_code_has_none()
    {
        var codes = Enumerable.Range(0, 50_000).Select(_ => LabelCode.NewCode()).ToList();

        var keys = codes.Select(c =>
        {
            Assert.True(LabelIndex.TryKey(c, out var key));
            return key;
        }).ToHashSet();

        Assert.Equal(codes.Count, keys.Count);
        Assert.All(keys, k => Assert.True(k < (UInt128.One << 80)));
        Assert.False(LabelIndex.TryKey("7K2M-9QXA-4HPD-T8WN-G", out _));
        Assert.False(LabelIndex.TryKey("7K2M9QXA4HPDT8WN", out _));
        Assert.False(LabelIndex.TryKey("7K2M9QXA4HPDT8WUG", out _));
    }

    [Fact]
    public void A_code_is_answered_with_its_own_batch_and_a_code_never_added_is_not_found()
    {
        var index = IndexOf();
        var first = new LabelIssue(Guid.NewGuid(), "LOT-A", DateTimeOffset.UnixEpoch);
        var second = new LabelIssue(Guid.NewGuid(), "LOT-B", DateTimeOffset.UnixEpoch.AddDays(1));
        var firstCodes = Enumerable.Range(0, 1_000).Select(_ => LabelCode.NewCode()).ToList();
        var secondCodes = Enumerable.Range(0, 1_000).Select(_ => LabelCode.NewCode()).ToList();

        index.Add(Guid.NewGuid(), first, firstCodes);
        index.Add(Guid.NewGuid(), second, secondCodes);

        Assert.All(firstCodes, c => Assert.Same(first, index.TryGet(c, out var issue) ? issue : null));
        Assert.All(secondCodes, c => Assert.Same(second, index.TryGet(c, out var issue) ? issue : null));
        Assert.False(index.TryGet(LabelCode.NewCode(), out _));
        Assert.Equal(2_000, index.Count);
    }

    [Fact]
    public void No_more_labels_are_held_than_configured_and_none_when_it_is_zero()
    {
        var bounded = IndexOf(100);
        var none = IndexOf(0);
        var codes = Enumerable.Range(0, 250).Select(_ => LabelCode.NewCode()).ToList();

        bounded.Add(Guid.NewGuid(), new LabelIssue(Guid.NewGuid(), "LOT", DateTimeOffset.UnixEpoch), codes);
        none.Add(Guid.NewGuid(), new LabelIssue(Guid.NewGuid(), "LOT", DateTimeOffset.UnixEpoch), codes);

        Assert.Equal(100, bounded.Count);
        Assert.Equal(100, codes.Count(c => bounded.TryGet(c, out _)));
        Assert.Equal(0, none.Count);
    }

    [Fact]
    public async Task Labels_are_answered_with_their_own_batch_while_many_batches_are_added_at_once_and_all_are_held_after()
    {
        var index = IndexOf();
        var batches = Enumerable.Range(0, 400).Select(i => (Id: Guid.NewGuid(), Issue: new LabelIssue(Guid.NewGuid(), $"LOT-{i}", DateTimeOffset.UnixEpoch),
            Codes: Enumerable.Range(0, 250).Select(_ => LabelCode.NewCode()).ToArray())).ToList();
        var added = 0;
        var wrong = 0;

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            foreach (var batch in batches.Where((_, i) => i % 4 == w))
            {
                index.Add(batch.Id, batch.Issue, batch.Codes);
                Interlocked.Increment(ref added);
            }
        }, TestContext.Current.CancellationToken)).ToList();
        var reader = Task.Run(() =>
        {
            while (Volatile.Read(ref added) < batches.Count)
            {
                foreach (var batch in batches.Take(Volatile.Read(ref added) / 2))
                {
                    if (index.TryGet(batch.Codes[^1], out var issue) && !ReferenceEquals(issue, batch.Issue))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
            }
        }, TestContext.Current.CancellationToken);
        await Task.WhenAll([.. writers, reader]);

        Assert.Equal(0, wrong);
        Assert.All(batches, b => Assert.All(b.Codes, c => Assert.Same(b.Issue, index.TryGet(c, out var issue) ? issue : null)));
    }
}
