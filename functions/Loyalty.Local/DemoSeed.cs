using Loyalty.App.Processing;
using Loyalty.Core;

namespace Loyalty.Local;

/// <summary>
/// About fifty demo members with a year of history (purchases in several categories, a refund,
/// redemptions, benefit uses, adjustments, feedback and service records), in English and
/// Chinese, across every tier. Each event goes through the same decide-and-commit path as
/// everything else, decided at the time it happened (a clock of its own, set to each event's
/// time), so lots expire, tiers qualify and the directory fills as if the year had passed.
/// Event ids are fixed and the history is generated from a fixed seed, so loading again
/// changes nothing.
/// </summary>
public sealed class DemoSeed(IServiceProvider services, TimeProvider clock)
{
    private static readonly (string First, string Last, string Email)[] People =
    [
        ("Ada", "Lovelace", "ada@example.com"), ("Grace", "Hopper", "grace@example.com"), ("Linus", "Torvalds", "linus@example.com"),
        ("小明", "王", "xiaoming.wang@example.cn"), ("娜", "李", "na.li@example.cn"), ("伟", "张", "wei.zhang@example.cn"), ("洋", "刘", "yang.liu@example.cn"),
        ("静", "陈", "jing.chen@example.cn"), ("帆", "杨", "fan.yang@example.cn"), ("磊", "赵", "lei.zhao@example.cn"), ("丽", "黄", "li.huang@example.cn"),
        ("杰", "周", "jie.zhou@example.cn"), ("敏", "吴", "min.wu@example.cn"), ("慧", "徐", "hui.xu@example.cn"), ("浩", "孙", "hao.sun@example.cn"),
        ("琳", "马", "lin.ma@example.cn"), ("婷", "朱", "ting.zhu@example.cn"), ("军", "胡", "jun.hu@example.cn"), ("芳", "郭", "fang.guo@example.cn"),
        ("雪", "何", "xue.he@example.cn"), ("峰", "林", "feng.lin@example.cn"), ("强", "高", "qiang.gao@example.cn"), ("燕", "罗", "yan.luo@example.cn"),
        ("Zoë", "Martin", "zoe.martin@example.com"), ("Émile", "Durand", "emile.durand@example.fr"), ("José", "García", "jose.garcia@example.es"),
        ("Søren", "Kierkegaard", "soren@example.dk"), ("Amara", "Okafor", "amara.okafor@example.com"), ("Hiroshi", "Tanaka", "hiroshi.tanaka@example.jp"),
        ("Priya", "Sharma", "priya.sharma@example.in"), ("Liam", "O'Brien", "liam.obrien@example.ie"), ("Olivia", "Smith", "olivia.smith@example.com"),
        ("Noah", "Johnson", "noah.johnson@example.com"), ("Emma", "Williams", "emma.williams@example.com"), ("Lucas", "Brown", "lucas.brown@example.com"),
        ("Mia", "Jones", "mia.jones@example.com"), ("Ethan", "Miller", "ethan.miller@example.com"), ("Ava", "Davis", "ava.davis@example.com"),
        ("Mateo", "Rodríguez", "mateo.rodriguez@example.mx"), ("Chloé", "Lefèvre", "chloe.lefevre@example.fr"), ("Aiko", "Suzuki", "aiko.suzuki@example.jp"),
        ("Fatima", "Hassan", "fatima.hassan@example.com"), ("Oskar", "Nowak", "oskar.nowak@example.pl"), ("Ingrid", "Larsen", "ingrid.larsen@example.no"),
        ("Diego", "Silva", "diego.silva@example.br"), ("Hannah", "Müller", "hannah.mueller@example.de"), ("Yusuf", "Demir", "yusuf.demir@example.tr"),
        ("Elena", "Rossi", "elena.rossi@example.it"), ("Kwame", "Mensah", "kwame.mensah@example.gh"), ("Sofia", "Petrova", "sofia.petrova@example.com"),
    ];

    private static readonly (string Category, string Sku, decimal Price)[] Catalog =
    [
        ("Tea", "SKU-TEA", 18.50m), ("Tea", "SKU-OOLONG", 26.00m), ("Teaware", "SKU-POT", 64.00m), ("Teaware", "SKU-CUP", 12.00m),
        ("Coffee", "SKU-BEANS", 16.00m), ("Coffee", "SKU-FILTER", 4.50m), ("Equipment", "SKU-GRINDER", 129.00m), ("Equipment", "SKU-KETTLE", 89.99m),
        ("Gifts", "SKU-HAMPER", 75.00m), ("Gifts", "SKU-CARD", 25.00m),
    ];

    /// <summary>The demo member ids, for the start-up hints (the first three are shown).</summary>
    public static IReadOnlyList<string> MemberIds { get; } = [.. People.Select((_, i) => IdOf(i))];

    /// <summary>Applies the demo events; returns the number of demo members.</summary>
    public async Task<int> LoadAsync(CancellationToken ct)
    {
        var at = new DemoClock();
        // The service's own writer path, on the demo's clock.
        var commands = ActivatorUtilities.CreateInstance<MemberCommands>(services, (TimeProvider)at);
        foreach (var evt in Events(clock.GetUtcNow()).OrderBy(e => e.OccurredAt))
        {
            at.Now = evt.OccurredAt;
            await commands.ApplyAsync(evt, ct);
        }

        return MemberIds.Count;
    }

    private static string IdOf(int i) => i switch
    {
        0 => "demo-ada",
        1 => "demo-grace",
        2 => "demo-linus",
        _ => $"demo-{i + 1:D2}",
    };

    // Spend levels spread the members over the tiers (Member, Silver 500, Gold 1,500,
    // Diamond 5,000 of rolling 12-month spend); the random walk is the same on every load.
    private static IEnumerable<LoyaltyEvent> Events(DateTimeOffset now)
    {
        var random = new Random(13);
        var today = new DateTimeOffset(now.UtcDateTime.Date.AddHours(15), TimeSpan.Zero);
        for (var i = 0; i < People.Length; i++)
        {
            var (first, last, email) = People[i];
            var id = IdOf(i);
            var level = i % 4;
            var joined = today.AddDays(-random.Next(300, 362));
            var phone = i % 3 == 0 ? $"+1 555 01{i:D2} {random.Next(1000, 9999)}" : null;
            var birthday = i % 2 == 0 ? new DateOnly(1970 + random.Next(35), 1 + random.Next(12), 1 + random.Next(28)) : (DateOnly?)null;
            yield return new MemberEnrolled($"demo:{id}:enrolled", id, joined, new MemberProfile(email, first, last, birthday, phone, i % 5 != 0));

            var budget = level switch { 0 => 200m, 1 => 800m, 2 => 2400m, _ => 6500m } * (0.8m + ((decimal)random.NextDouble() * 0.4m));
            var orderCount = 4 + random.Next(8) + (level * 2);
            for (var n = 1; n <= orderCount; n++)
            {
                var when = joined.AddDays(2 + ((today - joined).TotalDays - 4) * n / orderCount).AddMinutes(random.Next(600));
                var item = Catalog[random.Next(Catalog.Length)];
                var extra = Catalog[random.Next(Catalog.Length)];
                var share = budget / orderCount;
                var quantity = Math.Max(1, (int)(share / item.Price));
                var orderId = $"D-{i + 1:D2}{n:D2}";
                yield return n % 3 == 0
                    ? Purchase(id, orderId, when, (item.Sku, item.Category, quantity, item.Price, 0m), (extra.Sku, extra.Category, 1, extra.Price, 2.00m))
                    : Purchase(id, orderId, when, (item.Sku, item.Category, quantity, item.Price, 0m));
                if (n == 3 && i % 7 == 1)
                {
                    yield return new OrderRefunded($"demo:order:{orderId}:refund:R-1", id, when.AddDays(5), orderId, "R-1", [new RefundLine($"{orderId}-2", 1, extra.Price - 2.00m)]);
                }

                if (n == orderCount / 2 && level > 0)
                {
                    yield return new RedemptionRequested($"redeem:{id}:demo-{n}", id, when.AddDays(1), $"demo-{n}", level > 2 ? "usd-5-off" : "free-shipping", $"LOY-DEMO{i + 1:D2}{n:D2}");
                }
            }

            if (level > 0)
            {
                yield return new BenefitUsed($"benefit:{id}:free-delivery:demo-1", id, today.AddDays(-1), "demo-1", "free-delivery", "demo use");
            }

            if (i % 3 == 1)
            {
                yield return new FeedbackSubmitted($"feedback:{id}:demo-1", id, today.AddDays(-random.Next(2, 60)), 1 + random.Next(5), random.Next(11), i % 2 == 0 ? "很喜欢这家店的茶。" : "Quick delivery, lovely packaging.", null);
            }

            if (i % 6 == 2)
            {
                yield return new ServiceRecorded($"service:{id}:demo-1", id, today.AddDays(-random.Next(2, 30)), i % 12 == 2 ? "complaint" : "enquiry", "Asked about a late parcel", i % 12 == 2 ? "open" : "resolved");
            }

            if (i % 8 == 3)
            {
                yield return new PointsAdjusted($"adjust:{id}:demo-goodwill", id, today.AddDays(-random.Next(3, 90)), 25, "Goodwill for a late delivery", "demo");
            }
        }
    }

    private static PurchaseCompleted Purchase(string memberId, string orderId, DateTimeOffset at, params (string Sku, string Category, int Qty, decimal Price, decimal Discount)[] lines)
    {
        var orderLines = lines.Select((l, i) => new OrderLine($"{orderId}-{i + 1}", l.Sku, l.Category, l.Qty, l.Price, l.Discount)).ToList();
        var total = orderLines.Sum(l => l.Merchandise) + 7.95m;
        return new PurchaseCompleted($"demo:order:{orderId}:paid", memberId, at, orderId, "USD", orderLines, total);
    }

    // The time each demo event is decided at: the time it happened.
    private sealed class DemoClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
