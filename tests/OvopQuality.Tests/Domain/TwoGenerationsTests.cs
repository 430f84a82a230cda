using OvopQuality.Api.Labels.Verifying;

namespace OvopQuality.Tests.Domain;

/// <summary>The bounded map that keeps where labels were issued.</summary>
public class TwoGenerationsTests
{
    [Fact]
    public void It_never_holds_more_than_its_capacity_and_keeps_the_latest_entries()
    {
        var map = new TwoGenerations<int, int>(1_000);

        for (var i = 0; i < 10_000; i++)
        {
            map.Set(i, i * 2);
            Assert.True(map.Count <= 1_000, $"{map.Count} entries after {i + 1}");
        }

        for (var i = 9_500; i < 10_000; i++)
        {
            Assert.True(map.TryGet(i, out var value) && value == i * 2, $"entry {i} was lost");
        }

        Assert.False(map.TryGet(0, out _));
    }

    [Fact]
    public void An_entry_still_read_survives_the_turns_of_generations()
    {
        var map = new TwoGenerations<string, string>(10);
        map.Set("often-read", "kept");

        for (var i = 0; i < 100; i++)
        {
            map.Set($"other-{i}", "x");
            Assert.True(map.TryGet("often-read", out var value) && value == "kept", $"lost after {i + 1} other entries");
        }
    }
}
