using System.Text;
using Loyalty.App.Import;
using Loyalty.Core;
using Loyalty.Testing;
using Xunit;

namespace Loyalty.App.Tests.Import;

public sealed class ImportFileTests
{
    private const string Key = "test-directory-key-0123456789";
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 15, 0, 0, TimeSpan.Zero);
    private static readonly LoyaltyProgram Program = LoyaltyProgram.Demo;

    private static ImportPlan Read(string text, ImportOptions? options = null, Encoding? encoding = null, string? key = Key) =>
        ImportFile.Read((encoding ?? new UTF8Encoding(false)).GetBytes(text), options ?? new ImportOptions(), Program, key, Now);

    [Fact]
    public void Utf8_with_a_BOM_semicolons_and_English_headers_read_as_Excel_saves_them()
    {
        var plan = ImportFile.Read([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("Member ID;Full Name;E-mail;Points;Tier;Date of birth\r\nc-1;Zoë Smith;zoe@example.com;1.200;Gold;1990-04-01\r\n".Replace("1.200", "1200", StringComparison.Ordinal))], new ImportOptions(), Program, Key, Now);

        Assert.Equal(("utf-8", ";"), (plan.Encoding, plan.Delimiter));
        var e = Assert.Single(plan.Rows).Event;
        Assert.Equal(("c-1", "Zoë", "Smith", "zoe@example.com", 1200L, "gold", new DateOnly(1990, 4, 1)), (e.MemberId, e.Profile.FirstName, e.Profile.LastName, e.Profile.Email, e.OpeningBalance, e.TierId, e.Profile.Birthday));
    }

    [Fact]
    public void Gb18030_with_Chinese_headers_tabs_and_a_quoted_cell_over_two_lines()
    {
        var text = "姓名\t手机\t积分(分)\t生日\t营销同意\t备注\r\n王小明\t138 0013 8000\t300\t1988年3月2日\t是\t\"第一行\r\n第二行\"\r\n李娜\t139-0000-0001\t5\t1990/5/17\t否\t\r\n";
        var plan = Read(text, encoding: CsvText.Gb18030);

        Assert.Equal(("gb18030", "tab"), (plan.Encoding, plan.Delimiter));
        Assert.Equal(["备注"], plan.IgnoredColumns);
        Assert.Equal([(2, 2), (4, 3)], plan.Rows.Select(r => (r.Line, r.Row)));
        var first = plan.Rows[0].Event;
        Assert.Equal(("王", "小明", "138 0013 8000", true, new DateOnly(1988, 3, 2)), (first.Profile.LastName, first.Profile.FirstName, first.Profile.Phone, first.Profile.MarketingConsent, first.Profile.Birthday));
        Assert.StartsWith("m-", first.MemberId, StringComparison.Ordinal);
        Assert.Equal(false, plan.Rows[1].Event.Profile.MarketingConsent);
    }

    [Fact]
    public void A_derived_member_id_is_stable_keyed_and_holds_no_personal_data()
    {
        var a = Read("email,points\r\nLi@Example.com,1\r\n").Rows[0].Event.MemberId;
        var b = Read("邮箱,积分\r\n li@example.com ,2\r\n").Rows[0].Event.MemberId;
        var otherKey = Read("email,points\r\nli@example.com,1\r\n", key: "another-directory-key-987654").Rows[0].Event.MemberId;

        Assert.Equal(a, b);
        Assert.NotEqual(a, otherKey);
        Assert.True(Keys.IsValidMemberId(a));
        Assert.DoesNotContain("li", a[2..], StringComparison.Ordinal);
        Assert.Matches("^m-[0-9a-f]{24}$", a);
    }

    [Theory]
    [InlineData("2024-09-30", "auto", "2024-09-30")]
    [InlineData("2024/9/30", "auto", "2024-09-30")]
    [InlineData("2024年9月30日", "auto", "2024-09-30")]
    [InlineData("30/09/2024", "auto", "2024-09-30")]
    [InlineData("9/30/2024", "auto", "2024-09-30")]
    [InlineData("05/06/2024", "day-first", "2024-06-05")]
    [InlineData("05/06/2024", "auto", "2024-05-06")]
    [InlineData("2024-09-30 14:05:00", "auto", "2024-09-30")]
    public void Dates_in_the_common_forms(string cell, string dates, string expected)
    {
        var (options, _, _) = ImportArguments.Parse([("dates", dates)]);
        var plan = Read($"member id,birthday\r\nc1,{cell}\r\n", options);

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(plan.Rows).Event.Profile.Birthday);
    }

    [Fact]
    public void A_day_first_date_decides_the_order_of_the_whole_file_and_an_ambiguous_file_says_how_it_was_read()
    {
        var plan = Read("member id,birthday\r\nc1,05/06/1990\r\nc2,30/06/1990\r\n");
        Assert.Equal(DateOrder.DayFirst, plan.DateOrder);
        Assert.Equal(new DateOnly(1990, 6, 5), plan.Rows[0].Event.Profile.Birthday);

        var ambiguous = Read("member id,birthday\r\nc1,05/06/1990\r\n");
        Assert.Equal(DateOrder.MonthFirst, ambiguous.DateOrder);
        Assert.Contains("month first", Assert.Single(ambiguous.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_rows_are_named_by_line_with_reasons_that_hold_none_of_their_values()
    {
        var text = "member id,name,email,phone,points,tier,last purchase\r\n"
            + "ok-1,Ada Lovelace,ada@example.com,,10,,\r\n"
            + "bad@id,Bob,,,1,,\r\n"
            + ",Carol Jones,carol-at-example.com,,1,,\r\n"
            + "ok-2,Dan,,12,x1,platinum,2099-01-01\r\n"
            + "ok-1,Ada again,,,5,,\r\n"
            + ",,,,7,,\r\n";
        var plan = Read(text);

        Assert.Equal(["ok-1"], plan.Rows.Select(r => r.Event.MemberId));
        Assert.Equal([3, 4, 5, 6, 7], plan.Problems.Select(p => p.Line));
        Assert.Contains("member id:", plan.Problems[0].Reason, StringComparison.Ordinal);
        Assert.Equal("email: not an address", plan.Problems[1].Reason);
        Assert.Equal("phone: not a phone number; points: not a whole number; last purchase: in the future; tier: not a tier of the program (map the file's names to tier ids)", plan.Problems[2].Reason);
        Assert.Equal("the same member as row 2", plan.Problems[3].Reason);
        Assert.Equal("no member id, e-mail or phone", plan.Problems[4].Reason);
        string[] values = ["bad@id", "Bob", "carol", "Carol", "Dan", "x1", "platinum", "Ada"];
        Assert.All(plan.Problems, p => Assert.DoesNotContain(values, v => p.Reason.Contains(v, StringComparison.Ordinal)));
    }

    [Fact]
    public void Columns_and_tiers_can_be_mapped_and_Excel_sep_line_is_honoured()
    {
        var (options, _, _) = ImportArguments.Parse([("column", "Kundennummer=member id"), ("column", "Punkte=points"), ("tier", "VIP=diamond")]);
        var plan = Read("sep=|\r\nKundennummer|Punkte|Tier\r\nk-9|\"1,500\"|VIP\r\n".Replace('|', ';'), options);

        var e = Assert.Single(plan.Rows).Event;
        Assert.Equal(("k-9", 1500L, "diamond"), (e.MemberId, e.OpeningBalance, e.TierId));
        Assert.Equal(3, plan.Rows[0].Line);
    }

    [Fact]
    public void A_file_that_cannot_be_read_says_why_and_has_no_rows()
    {
        Assert.Contains("never closed", Read("member id,name\r\nc1,\"open\r\n").FileProblem, StringComparison.Ordinal);
        Assert.Contains("No column", Read("name,points\r\nAda,1\r\n").FileProblem, StringComparison.Ordinal);
        Assert.Contains("both hold", Read("email,e-mail\r\na@b.co,a@b.co\r\n").FileProblem, StringComparison.Ordinal);
        Assert.Contains("not valid utf-8", ImportFile.Read([0x6E, 0x61, 0x6D, 0x65, 0xFF, 0xFE, 0xFD], new ImportOptions { Encoding = "utf-8" }, Program, Key, Now).FileProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_generated_sample_reads_with_exactly_its_planted_bad_lines()
    {
        var sample = ImportSample.Generate(2_000, 20);
        var (options, _, _) = ImportArguments.Parse(ImportSample.TierMap);

        var plan = ImportFile.Read(sample.Bytes, options!, Program, Key, Now);

        Assert.Equal("gb18030", plan.Encoding);
        Assert.Equal(sample.BadLines, plan.Problems.Select(p => p.Line));
        Assert.Equal(sample.GoodRows, plan.Rows.Count);
        Assert.Equal(sample.GoodPoints, plan.Rows.Sum(r => r.Event.OpeningBalance));
        Assert.All(plan.Problems, p => Assert.DoesNotContain(sample.PersonalValues, v => p.Reason.Contains(v, StringComparison.Ordinal)));
    }

    [Fact]
    public void Export_cells_guard_formulas_and_the_import_takes_the_guard_off()
    {
        var cell = CsvText.Cell("+86 138 0013 8000");
        Assert.Equal("'+86 138 0013 8000", cell);
        Assert.Equal("+86 138 0013 8000", CsvText.Value(cell));
        Assert.Equal("\"a,\"\"b\"\"\"", CsvText.Cell("a,\"b\""));
    }
}
