using OvopQuality.Api.Certification.Labelling;

namespace OvopQuality.Tests.Domain;

public class LabelCodeTests
{
    [Fact]
    public void The_example_codes_the_readme_and_the_answers_show_pass_their_own_check()
    {
        var root = AppContext.BaseDirectory;
        while (!System.IO.File.Exists(Path.Combine(root, "README.md")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("README.md not found above the test folder");
        }

        var pattern = new System.Text.RegularExpressions.Regex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\\b");
        var texts = new[] { Path.Combine(root, "README.md"), Path.Combine(root, "src", "OvopQuality.Api", "Labels", "Verifying", "GetLabel.cs") }
            .Select(System.IO.File.ReadAllText);
        var examples = texts.SelectMany(t => pattern.Matches(t).Select(m => m.Value)).Distinct().ToList();

        Assert.NotEmpty(examples);
        Assert.All(examples, code => Assert.True(LabelCode.HasValidCheck(LabelCode.Normalize(code) ?? ""), $"{code} fails its check character"));
    }

    [Fact]
    public void A_new_code_has_sixteen_random_characters_and_a_check_character_from_the_typable_alphabet()
    {
        var code = LabelCode.NewCode();

        Assert.Equal(17, code.Length);
        Assert.All(code, c => Assert.Contains(c, LabelCode.Alphabet));
        Assert.True(LabelCode.HasValidCheck(code));
    }

    [Fact]
    public void Codes_do_not_repeat_over_a_large_batch()
    {
        var codes = Enumerable.Range(0, 100_000).Select(_ => LabelCode.NewCode()).ToHashSet();

        Assert.Equal(100_000, codes.Count);
    }

    [Fact]
    public void A_batch_drawn_at_once_holds_distinct_valid_codes_in_ordinal_order_and_its_bits_are_spread()
    {
        var codes = LabelCode.NewCodes(200_000);

        Assert.Equal(200_000, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, c => Assert.True(LabelCode.HasValidCheck(c) && c.Length == LabelCode.Length && c.All(LabelCode.Alphabet.Contains)));
        Assert.True(codes.Zip(codes.Skip(1)).All(p => string.CompareOrdinal(p.First, p.Second) < 0));
        // Sorted, yet drawn at random: every first character is about as common as any other.
        var firsts = codes.GroupBy(c => c[0]).Select(g => g.Count()).ToList();
        Assert.Equal(32, firsts.Count);
        Assert.All(firsts, n => Assert.InRange(n, 200_000 / 32 * 0.8, 200_000 / 32 * 1.2));
    }

    [Fact]
    public void Any_single_mistyped_character_is_caught_by_the_check_character()
    {
        var code = LabelCode.NewCode();
        for (var position = 0; position < code.Length; position++)
        {
            foreach (var replacement in LabelCode.Alphabet.Where(c => c != code[position]))
            {
                var typo = code[..position] + replacement + code[(position + 1)..];
                Assert.False(LabelCode.HasValidCheck(typo), $"{typo} passed its check");
            }
        }
    }

    [Fact]
    public void Two_swapped_neighbours_are_caught_by_the_check_character()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var code = LabelCode.NewCode();
            for (var i = 0; i < LabelCode.RandomLength - 1; i++)
            {
                if (code[i] == code[i + 1])
                {
                    continue;
                }

                var swapped = code[..i] + code[i + 1] + code[i] + code[(i + 2)..];
                Assert.False(LabelCode.HasValidCheck(swapped), $"{swapped} passed its check");
            }
        }
    }

    [Theory]
    [InlineData("ab12-cd34-ef56-gh78-9", "AB12CD34EF56GH789")]
    [InlineData("AB12 CD34 EF56 GH78 9", "AB12CD34EF56GH789")]
    [InlineData("oI1L-0000-0000-0000-0", "0111000000000000" + "0")]
    public void What_a_person_types_is_read_without_regard_to_case_spaces_hyphens_or_look_alike_letters(string typed, string canonical) =>
        Assert.Equal(canonical, LabelCode.Normalize(typed));

    [Theory]
    [InlineData("")]
    [InlineData("TOO-SHORT")]
    [InlineData("AB12CD34EF56GH789X")]
    [InlineData("AB12CD34EF56GH78U")]
    [InlineData("<script>alert(1)</script>")]
    public void Text_that_cannot_be_a_code_is_not_read_as_one(string typed) => Assert.Null(LabelCode.Normalize(typed));

    [Fact]
    public void Codes_are_printed_in_groups_of_four() =>
        Assert.Equal("AB12-CD34-EF56-GH78-9", LabelCode.Display("AB12CD34EF56GH789"));
}
