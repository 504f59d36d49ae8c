#include "demo/catalog_data.hpp"

#include <array>

namespace ecrm::demo::data {

namespace {

// Tables read best laid out by hand.
// clang-format off
using N = Naming;
using Q = Quantity;

constexpr std::array<std::string_view, 11> kTops = {
    "Baby & Kids",       "Computers",          "Cameras & Photo", "Home Theatre",
    "Phones & Wearables", "Books",             "Groceries",       "Clothing & Shoes",
    "Toys & Games",      "Home & Kitchen",     "Beauty & Personal Care"};

// Price ranges do not overlap between tiers, so the tier computed from the price ranks within
// a leaf comes out as the tier the product was made for.
const Leaf kLeaves[] = {
    // Baby & Kids
    {0, "Baby Bottles & Feeding", "BOT", "Baby Bottle Set|Sippy Cup Set|Bottle Sterilizer",
     {"Cuddle|Tiny Steps", "Mama Bear|Little Sprout", "Nordbaby|Aurelle"},
     {7, 14, 18, 32, 38, 75}, 2, 0, 1.0, N::kDescriptor, Q::kOne, false},
    {0, "Baby Formula", "FRM", "Infant Formula 800g|Follow-on Formula 800g",
     {"Tiny Steps|Cuddle", "Little Sprout|Mama Bear", "Nordbaby|Aurelle"},
     {17, 23, 27, 35, 39, 56}, 2, 21, 1.6, N::kPlain, Q::kStockUp, false},
    {0, "Diapers & Wipes", "DIA", "Diapers Size 3 (84 pack)|Diapers Size 4 (76 pack)|Baby Wipes (12 pack)",
     {"Tiny Steps|Cuddle", "Little Sprout|Mama Bear", "Nordbaby|Aurelle"},
     {14, 19, 22, 29, 32, 45}, 2, 30, 1.8, N::kPlain, Q::kStockUp, false},
    {0, "Strollers & Car Seats", "STR", "Stroller|Car Seat|Travel System",
     {"Tiny Steps|Roamer", "Little Sprout|Cityhop", "Nordbaby|Aurelle"},
     {79, 149, 179, 349, 449, 1099}, 2, 0, 0.5, N::kModel, Q::kOne, false},
    {0, "Baby Care", "BCR", "Baby Lotion|Baby Shampoo|Diaper Cream",
     {"Cuddle|Tiny Steps", "Little Sprout|Mama Bear", "Nordbaby|Aurelle"},
     {4, 7, 9, 14, 16, 28}, 2, 60, 0.8, N::kPlain, Q::kFew, false},
    // Computers
    {1, "Laptops", "LAP", "Laptop|Ultrabook|2-in-1 Laptop",
     {"Acorn|Veloz", "Nimbus|Keystone", "Zenith|Aurelia"},
     {349, 549, 649, 1099, 1299, 2599}, 3, 0, 1.6, N::kModel, Q::kOne, true},
    {1, "Desktops", "DSK", "Desktop PC|All-in-One PC|Mini PC",
     {"Acorn|Veloz", "Nimbus|Keystone", "Zenith|Aurelia"},
     {399, 599, 699, 1199, 1399, 2999}, 2, 0, 0.5, N::kModel, Q::kOne, true},
    {1, "Monitors", "MON", "24\" Monitor|27\" Monitor|34\" Ultrawide Monitor",
     {"Acorn|Veloz", "Nimbus|Keystone", "Zenith|Aurelia"},
     {119, 179, 219, 379, 449, 1199}, 2, 0, 0.8, N::kModel, Q::kOne, true},
    {1, "Mice & Keyboards", "MKB", "Wireless Mouse|Mechanical Keyboard|Keyboard & Mouse Combo",
     {"Acorn|Clikk", "Keystone|Tactus", "Zenith|Logix Pro"},
     {9, 24, 29, 59, 69, 159}, 3, 0, 1.2, N::kModel, Q::kOne, true},
    {1, "Laptop Bags & Sleeves", "BAG", "Laptop Backpack|Laptop Sleeve|Messenger Bag",
     {"Packit|Roamer", "Trailhead|Keystone", "Ardent|Zenith"},
     {14, 29, 34, 69, 79, 219}, 2, 0, 0.8, N::kDescriptor, Q::kOne, true},
    {1, "Storage & Memory", "STO", "Portable SSD 1TB|External HDD 2TB|USB Flash Drive 128GB",
     {"Acorn|Bitvault", "Keystone|Datacore", "Zenith|Ironclad"},
     {12, 39, 49, 109, 119, 299}, 2, 0, 0.7, N::kModel, Q::kOne, true},
    {1, "Printer Ink & Paper", "INK", "Ink Cartridge Set|Photo Paper (100 sheets)|Copy Paper (5 reams)",
     {"Inkwell|Printo", "Colorline|Keystone", "Zenith|Chroma Pro"},
     {11, 19, 22, 34, 38, 59}, 2, 90, 0.6, N::kPlain, Q::kFew, true},
    // Cameras & Photo
    {2, "Digital Cameras", "CAM", "Mirrorless Camera|Compact Camera|Action Camera",
     {"Snapwell|Pixa", "Optima|Lumix Go", "Hasse|Leitz Pro"},
     {249, 449, 599, 1199, 1499, 3499}, 2, 0, 1.2, N::kModel, Q::kOne, false},
    {2, "Camera Lenses", "LEN", "50mm f/1.8 Lens|24-70mm Zoom Lens|70-200mm Telephoto Lens",
     {"Snapwell|Pixa", "Optima|Sigmar", "Hasse|Leitz Pro"},
     {119, 249, 299, 699, 899, 2399}, 2, 0, 0.6, N::kModel, Q::kOne, false},
    {2, "Memory Cards", "MEM", "SD Card 64GB|SD Card 128GB|microSD Card 256GB",
     {"Bitvault|Pixa", "Datacore|Sandline", "Ironclad|Leitz Pro"},
     {8, 15, 18, 35, 39, 89}, 2, 0, 0.9, N::kModel, Q::kFew, false},
    {2, "Camera Bags & Tripods", "CBG", "Camera Bag|Travel Tripod|Camera Strap",
     {"Packit|Pixa", "Trailhead|Optima", "Ardent|Hasse"},
     {19, 39, 44, 109, 129, 349}, 2, 0, 0.7, N::kDescriptor, Q::kOne, false},
    // Home Theatre
    {3, "Televisions", "TVS", "55\" 4K TV|65\" 4K TV|77\" OLED TV",
     {"Vistara|Brightline", "Lumen|Novasonic", "Aurelia|Sonorus"},
     {299, 549, 649, 1299, 1599, 4499}, 2, 0, 1.2, N::kModel, Q::kOne, true},
    {3, "Soundbars", "SND", "Soundbar|Soundbar with Subwoofer|Dolby Atmos Soundbar",
     {"Vistara|Brightline", "Novasonic|Lumen", "Sonorus|Aurelia"},
     {79, 149, 199, 449, 549, 1399}, 2, 0, 0.8, N::kModel, Q::kOne, false},
    {3, "Projectors", "PRJ", "Home Projector|Portable Projector|4K Laser Projector",
     {"Vistara|Beamly", "Lumen|Novasonic", "Aurelia|Sonorus"},
     {149, 349, 449, 999, 1299, 3499}, 2, 0, 0.5, N::kModel, Q::kOne, true},
    {3, "Speakers & Receivers", "AVR", "AV Receiver|Bookshelf Speakers|Subwoofer",
     {"Brightline|Beamly", "Novasonic|Lumen", "Sonorus|Aurelia"},
     {149, 299, 349, 799, 999, 2999}, 2, 0, 0.5, N::kModel, Q::kOne, false},
    {3, "Cables & Mounts", "HDM", "HDMI 2.1 Cable|TV Wall Mount|Optical Audio Cable",
     {"Linkit|Brightline", "Novasonic|Connecta", "Sonorus|Aurelia"},
     {7, 15, 18, 39, 45, 119}, 2, 0, 0.8, N::kPlain, Q::kOne, true},
    // Phones & Wearables
    {4, "Smartphones", "PHN", "Smartphone|5G Smartphone",
     {"Veloz|Moxi", "Nimbus|Orbit", "Aurelia|Zenith"},
     {149, 299, 399, 799, 899, 1599}, 2, 0, 1.6, N::kModel, Q::kOne, true},
    {4, "Cases & Chargers", "CAS", "Phone Case|65W Fast Charger|Screen Protector (2 pack)",
     {"Moxi|Linkit", "Orbit|Shieldo", "Aurelia|Zenith"},
     {7, 15, 18, 35, 39, 79}, 3, 0, 1.2, N::kDescriptor, Q::kOne, true},
    {4, "Headphones", "HPH", "Wireless Earbuds|Over-Ear Headphones|Sports Earphones",
     {"Moxi|Beatline", "Orbit|Novasonic", "Sonorus|Aurelia"},
     {19, 49, 59, 149, 199, 449}, 2, 0, 1.0, N::kModel, Q::kOne, false},
    {4, "Smartwatches", "SWT", "Smartwatch|Fitness Band|GPS Sports Watch",
     {"Moxi|Fitly", "Orbit|Pacer", "Aurelia|Zenith"},
     {39, 89, 119, 249, 299, 799}, 2, 0, 0.7, N::kModel, Q::kOne, false},
    // Books
    {5, "Fiction", "FIC", "Paperback|Hardcover|Collector's Edition",
     {"Harbor Press|Lantern Books", "Willow & Finch|Northgate", "Folio House|Ember Classics"},
     {7, 11, 13, 18, 22, 39}, 3, 0, 1.5, N::kTitle, Q::kOne, false},
    {5, "Children's Books", "KDB", "Board Book|Picture Book|Illustrated Hardcover",
     {"Little Owl|Lantern Books", "Willow & Finch|Puddle Jump", "Folio House|Storyforge"},
     {4, 7, 8, 13, 15, 29}, 3, 0, 1.0, N::kTitle, Q::kFew, false},
    {5, "Technology & Programming", "TEC", "Paperback|Hardcover|Deluxe Edition",
     {"Bitbook|Lantern Books", "Northgate|Codeleaf", "Folio House|Apex Tech Press"},
     {19, 29, 34, 54, 59, 89}, 2, 0, 0.8, N::kTitle, Q::kOne, true},
    {5, "Cooking", "CKB", "Paperback|Hardcover|Signed Edition",
     {"Harbor Press|Pantry Books", "Willow & Finch|Saffron House", "Folio House|Ember Classics"},
     {11, 17, 19, 29, 34, 59}, 2, 0, 0.7, N::kTitle, Q::kOne, false},
    // Groceries
    {6, "Coffee", "COF", "Coffee Beans 1kg|Ground Coffee 500g|Coffee Capsules (50)",
     {"Daybreak|Mill & Co", "Highland Roast|Crema", "Kona Reserve|Blue Ridge Estate"},
     {7, 13, 15, 24, 27, 45}, 2, 30, 1.4, N::kPlain, Q::kStockUp, true},
    {6, "Tea", "TEA", "Green Tea 250g|Oolong Tea 200g|Earl Grey (100 bags)",
     {"Daybreak|Leafy", "Jade Valley|Teahouse", "West Lake Longjing|Silver Needle"},
     {4, 8, 9, 17, 21, 59}, 2, 45, 1.0, N::kPlain, Q::kFew, false},
    {6, "Snacks", "SNK", "Mixed Nuts 500g|Dark Chocolate Box|Dried Mango 400g",
     {"Crunchy|Daybreak", "Nutfield|Cocoa & Co", "Maison Noir|Orchard Reserve"},
     {3, 6, 7, 12, 13, 25}, 3, 21, 1.2, N::kPlain, Q::kStockUp, false},
    {6, "Pantry Staples", "PAN", "Extra Virgin Olive Oil 1L|Jasmine Rice 5kg|Soy Sauce 1L",
     {"Daybreak|Harvest", "Golden Field|Mill & Co", "Orchard Reserve|Casa Oliva"},
     {3, 7, 8, 14, 16, 34}, 2, 40, 1.0, N::kPlain, Q::kFew, false},
    // Clothing & Shoes
    {7, "Women's Clothing", "WMN", "Linen Dress|Silk Blouse|Knit Sweater|Trench Coat",
     {"Basico|Daywear", "Fernwood|Marlowe", "Maison Ardent|Celestine"},
     {14, 29, 34, 79, 99, 399}, 3, 0, 1.3, N::kDescriptor, Q::kFew, false},
    {7, "Men's Clothing", "MEN", "Oxford Shirt|Chinos|Wool Sweater|Down Parka",
     {"Basico|Daywear", "Fernwood|Marlowe", "Maison Ardent|Hollis & Grey"},
     {14, 29, 34, 79, 99, 399}, 3, 0, 1.1, N::kDescriptor, Q::kFew, false},
    {7, "Kids' Clothing", "KDS", "Kids T-Shirt (3 pack)|Kids Rain Jacket|Pajama Set",
     {"Basico|Little Sprout", "Fernwood|Puddle Jump", "Maison Ardent|Petit Nord"},
     {7, 14, 17, 34, 39, 89}, 2, 0, 0.8, N::kDescriptor, Q::kFew, false},
    {7, "Shoes", "SHO", "Running Shoes|Canvas Sneakers|Leather Boots",
     {"Stride|Basico", "Trailhead|Pacer", "Hollis & Grey|Maison Ardent"},
     {24, 44, 54, 109, 129, 319}, 2, 0, 1.0, N::kDescriptor, Q::kOne, false},
    // Toys & Games
    {8, "Building Sets", "BLD", "Building Set|Marble Run|Robot Kit",
     {"Blocko|Tinker", "Brickworks|Makerly", "Archiblox|Robotica"},
     {9, 24, 29, 69, 89, 249}, 2, 0, 1.0, N::kModel, Q::kOne, false},
    {8, "Puzzles & Board Games", "PUZ", "Jigsaw Puzzle (1000 pieces)|Family Board Game|Strategy Game",
     {"Tinker|Playwell", "Gamewright|Meeple & Co", "Heirloom Games|Archiblox"},
     {7, 14, 17, 34, 39, 89}, 2, 0, 0.8, N::kDescriptor, Q::kOne, false},
    {8, "Outdoor Toys", "OUT", "Kick Scooter|Kids Bike|Garden Trampoline",
     {"Zoomi|Playwell", "Rideon|Trailhead", "Velora|Skyhop"},
     {24, 49, 59, 149, 199, 599}, 2, 0, 0.6, N::kModel, Q::kOne, false},
    {8, "Plush & Dolls", "PLU", "Plush Bear|Doll House|Rag Doll",
     {"Cuddle|Playwell", "Snugglepuff|Tinker", "Heirloom Toys|Petit Nord"},
     {7, 14, 17, 39, 49, 149}, 2, 0, 0.7, N::kDescriptor, Q::kOne, false},
    // Home & Kitchen
    {9, "Kitchen Appliances", "KIT", "Blender|Air Fryer|Espresso Machine",
     {"Homely|Brewmate", "Kitchenaire|Crema", "Aurelia|Bellacasa"},
     {29, 59, 79, 199, 299, 899}, 2, 0, 1.0, N::kModel, Q::kOne, true},
    {9, "Cookware", "CKW", "Non-stick Pan|Cast Iron Casserole|Chef's Knife Set",
     {"Homely|Panworks", "Kitchenaire|Forgeline", "Bellacasa|Maison Cuivre"},
     {14, 29, 34, 89, 119, 399}, 2, 0, 0.9, N::kDescriptor, Q::kOne, false},
    {9, "Cleaning Supplies", "CLN", "Laundry Detergent 3L|Dishwasher Tablets (60)|All-purpose Cleaner (3 pack)",
     {"Sparkle|Homely", "Fresh & Co|Purely", "Ecoluxe|Maison Blanc"},
     {4, 8, 9, 15, 16, 29}, 2, 45, 1.1, N::kPlain, Q::kStockUp, true},
    // Beauty & Personal Care
    {10, "Skincare", "SKN", "Face Moisturizer|Vitamin C Serum|Sunscreen SPF50",
     {"Purely|Dewdrop", "Botanica|Skinlab", "Celestine|Maison Rose"},
     {7, 14, 17, 39, 49, 159}, 3, 60, 1.3, N::kPlain, Q::kFew, false},
    {10, "Shaving & Grooming", "SHV", "Razor Blades (8 pack)|Shaving Gel|Beard Oil",
     {"Sharpline|Groomly", "Barber & Co|Keeneye", "Hollis & Grey|Maison Ardent"},
     {5, 9, 11, 19, 22, 39}, 2, 45, 0.8, N::kPlain, Q::kFew, false},
    {10, "Hair Care", "HAI", "Shampoo|Conditioner|Repair Hair Mask",
     {"Purely|Dewdrop", "Botanica|Salonix", "Celestine|Maison Rose"},
     {3, 7, 8, 15, 17, 44}, 2, 40, 1.0, N::kPlain, Q::kFew, false},
};

const Line kLines[] = {
    {"LAP", "Zenith", "Laptop Pro", 2, 3, 1899},
    {"LAP", "Nimbus", "Air Laptop", 1, 2, 899},
    {"PHN", "Aurelia", "Phone", 2, 3, 1299},
    {"PHN", "Veloz", "X Smartphone", 0, 2, 229},
    {"CAM", "Optima", "M Mirrorless Camera", 2, 2, 2899},
    {"TVS", "Lumen", "OLED TV", 2, 2, 3299},
    {"HPH", "Sonorus", "ANC Headphones", 2, 2, 349},
    {"SWT", "Orbit", "Smartwatch", 1, 2, 199},
};

const Complement kComplements[] = {
    {"BOT", "FRM", 0.55}, {"BOT", "DIA", 0.45}, {"BOT", "BCR", 0.20},
    {"FRM", "DIA", 0.35}, {"FRM", "BOT", 0.15}, {"DIA", "BCR", 0.25},
    {"DIA", "FRM", 0.20}, {"STR", "BOT", 0.20}, {"STR", "PLU", 0.15},
    {"LAP", "MKB", 0.45}, {"LAP", "BAG", 0.35}, {"LAP", "STO", 0.20},
    {"LAP", "MON", 0.10}, {"DSK", "MON", 0.50}, {"DSK", "MKB", 0.50},
    {"MON", "HDM", 0.20}, {"CAM", "MEM", 0.60}, {"CAM", "LEN", 0.30},
    {"CAM", "CBG", 0.35}, {"LEN", "CBG", 0.20}, {"LEN", "MEM", 0.10},
    {"TVS", "SND", 0.35}, {"TVS", "HDM", 0.40}, {"TVS", "AVR", 0.10},
    {"PRJ", "HDM", 0.40}, {"PRJ", "AVR", 0.15}, {"SND", "HDM", 0.30},
    {"PHN", "CAS", 0.65}, {"PHN", "HPH", 0.30}, {"PHN", "SWT", 0.10},
    {"HPH", "CAS", 0.15}, {"SWT", "CAS", 0.20}, {"COF", "SNK", 0.25},
    {"COF", "TEA", 0.10}, {"TEA", "SNK", 0.30}, {"KIT", "COF", 0.25},
    {"KIT", "CKW", 0.20}, {"CKW", "PAN", 0.30}, {"CKW", "CKB", 0.10},
    {"CKB", "CKW", 0.20}, {"CKB", "PAN", 0.15}, {"BLD", "PUZ", 0.20},
    {"BLD", "KDB", 0.20}, {"KDB", "PLU", 0.15}, {"KDB", "KDB", 0.30},
    {"FIC", "FIC", 0.35}, {"TEC", "TEC", 0.25}, {"TEC", "COF", 0.10},
    {"WMN", "SHO", 0.25}, {"WMN", "WMN", 0.30}, {"MEN", "SHO", 0.25},
    {"MEN", "MEN", 0.30}, {"KDS", "KDS", 0.30}, {"KDS", "OUT", 0.10},
    {"SKN", "HAI", 0.20}, {"SHV", "SKN", 0.15}, {"CLN", "PAN", 0.20},
    {"OUT", "KDS", 0.10}, {"PUZ", "SNK", 0.10},
};

const Complement kFollowUps[] = {
    {"LAP", "CAM|TVS|HPH|PHN", 0.35}, {"DSK", "MON|TVS|SND", 0.25}, {"PHN", "HPH|SWT|CAM", 0.30},
    {"CAM", "LEN|TVS|LAP", 0.25},     {"TVS", "SND|AVR|PRJ", 0.30}, {"STR", "OUT|BLD", 0.20},
    {"KIT", "CKW|CKB", 0.20},         {"WMN", "SHO|SKN", 0.15},      {"MEN", "SHO|SHV", 0.15},
};

constexpr std::array<std::string_view, 24> kModelWords = {
    "Aero", "Air",   "Core",  "Edge",  "Flex",  "Go",    "Lite",  "Max",
    "Neo",  "Nova",  "One",   "Plus",  "Prime", "Pulse", "S",     "Spark",
    "Terra", "Ultra", "Vista", "X",    "Echo",  "Mini",  "Quest", "Astra"};
constexpr std::array<std::string_view, 16> kDescriptorWords = {
    "Classic", "Essential", "Heritage", "Urban",  "Coastal", "Alpine", "Studio", "Everyday",
    "Signature", "Nordic",  "Premier",  "Travel", "Organic", "Soft",   "Modern", "Vintage"};
constexpr std::array<std::string_view, 24> kTitleA = {
    "Silent",  "Last",    "Hidden", "Autumn", "Paper",   "Golden", "Winter", "Midnight",
    "Distant", "Broken",  "Little", "Secret", "Painted", "Jade",   "Salt",   "Quiet",
    "Crimson", "Endless", "Wild",   "Lost",   "Bright",  "Hollow", "Iron",   "Silver"};
constexpr std::array<std::string_view, 24> kTitleB = {
    "Harbor", "Garden",  "River",   "Lantern", "Mountain", "Kingdom", "Orchard", "Summer",
    "Island", "Compass", "Teacup",  "Forest",  "Letters",  "Station", "Bridge",  "Meadow",
    "Tides",  "Voyage",  "Kitchen", "Code",    "Recipes",  "Algorithms", "Feast", "Dragon"};

// clang-format on

}  // namespace

std::span<const std::string_view> tops() { return kTops; }
std::span<const Leaf> leaves() { return kLeaves; }
std::span<const Line> lines() { return kLines; }
std::span<const Complement> complements() { return kComplements; }
std::span<const Complement> follow_ups() { return kFollowUps; }
std::span<const std::string_view> model_words() { return kModelWords; }
std::span<const std::string_view> descriptor_words() { return kDescriptorWords; }
std::span<const std::string_view> title_words_a() { return kTitleA; }
std::span<const std::string_view> title_words_b() { return kTitleB; }

std::vector<std::string_view> split(std::string_view list) {
  std::vector<std::string_view> out;
  while (true) {
    auto bar = list.find('|');
    out.push_back(list.substr(0, bar));
    if (bar == std::string_view::npos) break;
    list.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace ecrm::demo::data
