/// Builds the demo catalog: 8 categories of 25 products, 5 co-purchase groups per category.
enum DemoCatalog {
    /// Products per co-purchase group.
    static let groupSize = 5

    private struct Category {
        var name: String
        var nouns: [String]
        /// Price range in whole dollars.
        var dollars: ClosedRange<Int64>
    }

    private static let categories: [Category] = [
        Category(name: "Coffee", nouns: ["Espresso Beans", "Filter Roast", "Decaf Blend", "Single Origin", "Cold Brew Pack"], dollars: 12...29),
        Category(name: "Brewing", nouns: ["Pour-Over Kit", "French Press", "Burr Grinder", "Gooseneck Kettle", "Paper Filters"], dollars: 9...149),
        Category(name: "Tea", nouns: ["Green Tea", "Earl Grey", "Chai Blend", "Herbal Infusion", "Matcha Tin"], dollars: 8...34),
        Category(name: "Mugs", nouns: ["Ceramic Mug", "Travel Tumbler", "Glass Cup", "Espresso Cup Set", "Enamel Mug"], dollars: 14...45),
        Category(name: "Snacks", nouns: ["Almond Biscotti", "Dark Chocolate Bar", "Granola Bites", "Shortbread Tin", "Stroopwafels"], dollars: 4...19),
        Category(name: "Kitchen", nouns: ["Milk Frother", "Scale", "Storage Canister", "Tamper", "Knock Box"], dollars: 15...89),
        Category(name: "Apparel", nouns: ["Barista Apron", "Logo T-Shirt", "Knit Beanie", "Canvas Tote", "Hoodie"], dollars: 18...65),
        Category(name: "Gifts", nouns: ["Gift Box", "Tasting Flight", "Gift Card Sleeve", "Advent Calendar", "Subscription Box"], dollars: 20...120),
    ]

    private static let adjectives = ["Classic", "Morning", "Velvet", "Harbor", "Summit"]

    /// The catalog for `seed`: ids SKU-1001 to SKU-1200, about 5% unavailable.
    static func make(seed: UInt64) -> [DemoProduct] {
        var random = DemoRandom(seed: seed, stream: 0xCA7A_1065)
        var products: [DemoProduct] = []
        products.reserveCapacity(categories.count * 25)
        for (categoryIndex, category) in self.categories.enumerated() {
            for group in 0..<5 {
                for member in 0..<self.groupSize {
                    // Within a group one noun with five variants, so groups read as product lines.
                    let noun = category.nouns[(group + member) % category.nouns.count]
                    let name = "\(self.adjectives[group]) \(noun)" + (member == 0 ? "" : " No. \(member + 1)")
                    let dollars = random.between(category.dollars)
                    let cents = [99, 49, 0, 95][random.below(4)]
                    let id = "SKU-\(1001 + products.count)"
                    products.append(
                        DemoProduct(
                            id: id, name: name, category: category.name, priceCents: Int(dollars * 100) + cents,
                            available: true, coPurchaseGroup: categoryIndex * 5 + group))
                }
            }
        }
        // Exactly 10 of 200 (5%) are discontinued; never the first product of a group, so each group
        // keeps an available anchor.
        var marked = 0
        while marked < products.count / 20 {
            let index = random.below(products.count)
            if index % self.groupSize != 0, products[index].available {
                products[index].available = false
                marked += 1
            }
        }
        return products
    }

    /// The group whose products appear in the same baskets as `group`'s: the same slot in the next
    /// category (coffee with brewing gear, tea with mugs, …).
    static func partnerGroup(of group: Int, groups: Int) -> Int { (group + 5) % groups }
}
