using System.Text.RegularExpressions;

namespace Loyalty.App.Import;

/// <summary>What a column of an import file holds.</summary>
public enum ImportField
{
    /// <summary>The member id (else derived from the e-mail or phone).</summary>
    MemberId,

    /// <summary>The whole name (Chinese: family name first; otherwise given names first).</summary>
    Name,

    /// <summary>Given name.</summary>
    FirstName,

    /// <summary>Family name.</summary>
    LastName,

    /// <summary>E-mail address.</summary>
    Email,

    /// <summary>Phone number.</summary>
    Phone,

    /// <summary>Opening balance in points.</summary>
    Points,

    /// <summary>Tier id or name.</summary>
    Tier,

    /// <summary>Lifetime spend.</summary>
    Spend,

    /// <summary>Birthday.</summary>
    Birthday,

    /// <summary>Marketing consent.</summary>
    Consent,

    /// <summary>Last purchase date.</summary>
    LastPurchase,

    /// <summary>The day the opening balance expires.</summary>
    PointsExpire,
}

/// <summary>
/// Which column holds which field: headers in English or Chinese as shops write them, matched
/// without case, spaces, dashes, underscores or a bracketed unit (<c>累计消费(元)</c>), or named by
/// the caller's map (<c>header=field</c>).
/// </summary>
public static partial class ImportColumns
{
    /// <summary>The header export writes for each field, which the import reads back.</summary>
    public static IReadOnlyDictionary<ImportField, string> Canonical { get; } = new Dictionary<ImportField, string>
    {
        [ImportField.MemberId] = "member id",
        [ImportField.FirstName] = "first name",
        [ImportField.LastName] = "last name",
        [ImportField.Email] = "email",
        [ImportField.Phone] = "phone",
        [ImportField.Points] = "points",
        [ImportField.Tier] = "tier",
        [ImportField.Spend] = "lifetime spend",
        [ImportField.Birthday] = "birthday",
        [ImportField.Consent] = "marketing consent",
        [ImportField.LastPurchase] = "last purchase",
        [ImportField.PointsExpire] = "points expire",
    };

    private static readonly Dictionary<string, ImportField> Aliases = Build(new()
    {
        [ImportField.MemberId] = ["member id", "member", "member number", "customer id", "id", "会员id", "会员编号", "会员号", "会员卡号", "卡号", "客户编号", "客户id", "编号"],
        [ImportField.Name] = ["name", "full name", "customer name", "member name", "姓名", "名字", "客户名称", "客户姓名", "会员姓名", "会员名称", "联系人"],
        [ImportField.FirstName] = ["first name", "given name", "forename", "名"],
        [ImportField.LastName] = ["last name", "surname", "family name", "姓"],
        [ImportField.Email] = ["email", "e-mail", "email address", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址"],
        [ImportField.Phone] = ["phone", "mobile", "mobile phone", "phone number", "telephone", "tel", "cell", "手机", "手机号", "手机号码", "电话", "联系电话", "电话号码", "移动电话"],
        [ImportField.Points] = ["points", "balance", "points balance", "opening balance", "point balance", "积分", "积分余额", "当前积分", "可用积分", "剩余积分", "会员积分"],
        [ImportField.Tier] = ["tier", "level", "membership level", "vip level", "等级", "会员等级", "级别", "会员级别"],
        [ImportField.Spend] = ["lifetime spend", "total spent", "total spend", "spend", "amount spent", "累计消费", "消费总额", "累计消费金额", "消费金额", "总消费"],
        [ImportField.Birthday] = ["birthday", "date of birth", "dob", "birth date", "birthdate", "生日", "出生日期", "出生年月日"],
        [ImportField.Consent] = ["marketing consent", "accepts marketing", "consent", "accepts email marketing", "newsletter", "营销同意", "同意营销", "接收营销", "接受营销", "营销订阅", "订阅"],
        [ImportField.LastPurchase] = ["last purchase", "last order", "last order date", "last purchase date", "最近消费", "最后消费", "最近消费日期", "最后消费时间", "最近消费时间", "最近购买", "最后购买"],
        [ImportField.PointsExpire] = ["points expire", "points expiry", "expiry", "expires on", "expiry date", "lot expiry", "积分到期", "积分到期日", "积分有效期", "到期日", "过期时间", "积分过期时间"],
    });

    /// <summary>A header as matched: lower case, without spaces, dashes, underscores, dots, colons or a bracketed part.</summary>
    public static string Normalise(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var h = Bracketed().Replace(header.Trim().TrimStart('\uFEFF'), string.Empty);
        return new string([.. h.ToLowerInvariant().Where(c => !char.IsWhiteSpace(c) && c is not ('-' or '_' or '.' or ':' or '：' or '*'))]);
    }

    /// <summary>The field a header names, by <paramref name="map"/> first (header → field name), then the aliases.</summary>
    public static ImportField? FieldOf(string header, IReadOnlyDictionary<string, ImportField> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var key = Normalise(header);
        foreach (var (mapped, field) in map)
        {
            if (Normalise(mapped) == key)
            {
                return field;
            }
        }

        return Aliases.TryGetValue(key, out var f) ? f : null;
    }

    /// <summary>A field named in an option (<c>email</c>, <c>points-expire</c>, <c>PointsExpire</c>, or any alias).</summary>
    public static ImportField? ParseField(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Normalise(name);
        return Enum.GetValues<ImportField>().FirstOrDefault(f => Normalise(f.ToString()) == key) is var byName && Normalise(byName.ToString()) == key
            ? byName
            : Aliases.TryGetValue(key, out var f) ? f : null;
    }

    private static Dictionary<string, ImportField> Build(Dictionary<ImportField, string[]> aliases) =>
        aliases.SelectMany(a => a.Value.Select(v => (Key: Normalise(v), a.Key))).DistinctBy(a => a.Key).ToDictionary(a => a.Key, a => a.Item2, StringComparer.Ordinal);

    [GeneratedRegex(@"[（(\[【].*?[）)\]】]")]
    private static partial Regex Bracketed();
}
