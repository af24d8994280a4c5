using System.Globalization;
using System.Text;

namespace Loyalty.Testing;

/// <summary>
/// A generated spreadsheet as a Chinese shop's Excel saves it as "CSV": GB18030, Chinese
/// headers, member ids for some rows (the rest derived from the e-mail or phone), names, phones
/// and e-mail, points, tiers by the shop's own names, birthdays and dates in several forms,
/// amounts with a currency sign, a remarks column with line breaks inside quotes, and bad rows
/// planted at known lines.
/// </summary>
public sealed record ImportSample(byte[] Bytes, IReadOnlyList<int> BadLines, int GoodRows, long GoodPoints, IReadOnlyList<string> PersonalValues)
{
    /// <summary>The headers, in Chinese.</summary>
    public const string Header = "会员编号,姓名,手机,邮箱,积分,等级,生日,累计消费,最近消费,营销同意,备注";

    /// <summary>The tier map the sample needs (the shop's names to the demo program's tier ids), as query pairs.</summary>
    public static IReadOnlyList<(string Name, string Value)> TierMap { get; } = [("tier", "普通会员=member"), ("tier", "银卡=silver"), ("tier", "金卡=gold")];

    private static readonly string[] Families = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    private static readonly string[] Given = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "勇", "杰", "娟"];
    private static readonly string[] Tiers = ["普通会员", "银卡", "金卡"];

    /// <summary>
    /// <paramref name="rows"/> data rows, <paramref name="bad"/> of them bad in one of ten ways,
    /// spread evenly; ids start at <paramref name="firstId"/> so two samples name different members.
    /// </summary>
    public static ImportSample Generate(int rows, int bad, int firstId = 1)
    {
        var text = new StringBuilder(Header).Append("\r\n");
        var line = 2;
        var badLines = new List<int>();
        var personal = new List<string>();
        long goodPoints = 0;
        var step = bad > 0 ? rows / bad : int.MaxValue;
        for (var k = 0; k < rows; k++)
        {
            var i = firstId + k;
            var badKind = bad > 0 && k % step == step / 2 && badLines.Count < bad ? badLines.Count % 10 : -1;
            var name = Families[i % Families.Length] + Given[i % Given.Length] + (i % 7 == 0 ? Given[(i / 7) % Given.Length] : string.Empty);
            var phone = string.Create(CultureInfo.InvariantCulture, $"1{38 + (i % 12)} {i / 10000 % 10000:0000} {i % 10000:0000}");
            var email = i % 2 == 0 ? string.Create(CultureInfo.InvariantCulture, $"member{i}@example.cn") : string.Empty;
            var id = i % 3 == 0 ? string.Create(CultureInfo.InvariantCulture, $"vip-{i:000000}") : string.Empty;
            var points = ((i * 37) % 5000).ToString(CultureInfo.InvariantCulture);
            var tier = Tiers[i % Tiers.Length];
            var birthday = (i % 3) switch
            {
                0 => string.Create(CultureInfo.InvariantCulture, $"{1970 + (i % 30)}/{1 + (i % 12)}/{1 + (i % 28)}"),
                1 => string.Create(CultureInfo.InvariantCulture, $"{1970 + (i % 30)}年{1 + (i % 12)}月{1 + (i % 28)}日"),
                _ => string.Create(CultureInfo.InvariantCulture, $"{1970 + (i % 30)}-{1 + (i % 12):00}-{1 + (i % 28):00}"),
            };
            var spend = string.Create(CultureInfo.InvariantCulture, $"¥{(i * 13.7m) % 20000m:#,##0.00}");
            var last = string.Create(CultureInfo.InvariantCulture, $"2025/{1 + (i % 12)}/{1 + (i % 28)}");
            var consent = i % 4 == 0 ? "否" : "是";
            var remark = i % 10 == 0 ? "老客户\n喜欢\"绿茶\"" : i % 5 == 0 ? "备注，含逗号" : string.Empty;
            switch (badKind)
            {
                case 0: points = "一百"; break;
                case 1: points = "-5"; break;
                case 2: email = "member-at-example.cn"; break;
                case 3: phone = "12"; break;
                case 4: birthday = "1990/13/45"; break;
                case 5: tier = "黑卡"; break;
                case 6: (id, phone, email) = (string.Empty, string.Empty, string.Empty); break;
                case 7: id = "vip-" + FirstWithId(firstId).ToString("000000", CultureInfo.InvariantCulture); break; // an earlier row's member
                case 8: last = "2099-01-01"; break;
                case 9: consent = "也许"; break;
            }

            if (badKind == 7 && FirstWithId(firstId) >= i)
            {
                throw new InvalidOperationException("The duplicate planted must come after the row it repeats.");
            }

            if (badKind >= 0)
            {
                badLines.Add(line);
            }
            else
            {
                goodPoints += long.Parse(points, CultureInfo.InvariantCulture);
            }

            personal.Add(name);
            if (phone.Length >= 5)
            {
                personal.Add(phone);
            }

            if (email.Length > 0)
            {
                personal.Add(email);
            }

            string[] cells = [id, name, phone, email, points, tier, birthday, spend, last, consent, remark];
            text.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
            line += 1 + remark.Count(c => c == '\n');
        }

        var gb18030 = CodePagesEncodingProvider.Instance.GetEncoding(54936)!;
        return new ImportSample(gb18030.GetBytes(text.ToString()), badLines, rows - badLines.Count, goodPoints, personal);
    }

    private static int FirstWithId(int firstId) => firstId + ((3 - (firstId % 3)) % 3);

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
