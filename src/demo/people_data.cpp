#include "demo/people_data.hpp"

#include <string_view>

namespace ecrm::demo::data {

namespace {

// Tables read best laid out by hand.
// clang-format off
const Hanzi kSurnames[] = {
    {"王", "wang"},  {"李", "li"},    {"张", "zhang"}, {"刘", "liu"},   {"陈", "chen"},
    {"杨", "yang"},  {"黄", "huang"}, {"赵", "zhao"},  {"吴", "wu"},    {"周", "zhou"},
    {"徐", "xu"},    {"孙", "sun"},   {"马", "ma"},    {"朱", "zhu"},   {"胡", "hu"},
    {"郭", "guo"},   {"何", "he"},    {"林", "lin"},   {"高", "gao"},   {"罗", "luo"},
    {"郑", "zheng"}, {"梁", "liang"}, {"谢", "xie"},   {"宋", "song"},  {"唐", "tang"},
    {"韩", "han"},   {"冯", "feng"},  {"邓", "deng"},  {"曹", "cao"},   {"彭", "peng"},
    {"曾", "zeng"},  {"肖", "xiao"},  {"田", "tian"},  {"董", "dong"},  {"潘", "pan"},
    {"袁", "yuan"},  {"蔡", "cai"},   {"蒋", "jiang"}, {"余", "yu"},    {"叶", "ye"}};

const Hanzi kGivenFemale[] = {
    {"芳", "fang"}, {"娜", "na"},   {"敏", "min"},  {"静", "jing"}, {"丽", "li"},   {"艳", "yan"},
    {"婷", "ting"}, {"雪", "xue"},  {"琳", "lin"},  {"慧", "hui"},  {"颖", "ying"}, {"佳", "jia"},
    {"欣", "xin"},  {"怡", "yi"},   {"梅", "mei"},  {"霞", "xia"},  {"萍", "ping"}, {"玲", "ling"},
    {"晶", "jing"}, {"悦", "yue"},  {"雅", "ya"},   {"璐", "lu"},   {"倩", "qian"}, {"瑶", "yao"},
    {"诗", "shi"},  {"涵", "han"},  {"梦", "meng"}, {"月", "yue"},  {"晓", "xiao"}, {"思", "si"},
    {"嘉", "jia"},  {"宁", "ning"}, {"安", "an"},   {"华", "hua"},  {"清", "qing"}, {"秀", "xiu"}};

const Hanzi kGivenMale[] = {
    {"伟", "wei"},  {"强", "qiang"}, {"磊", "lei"},  {"军", "jun"},  {"洋", "yang"}, {"勇", "yong"},
    {"杰", "jie"},  {"涛", "tao"},   {"明", "ming"}, {"超", "chao"}, {"浩", "hao"},  {"鹏", "peng"},
    {"辉", "hui"},  {"刚", "gang"},  {"宇", "yu"},   {"峰", "feng"}, {"斌", "bin"},  {"俊", "jun"},
    {"文", "wen"},  {"凯", "kai"},   {"博", "bo"},   {"建", "jian"}, {"志", "zhi"},  {"晨", "chen"},
    {"天", "tian"}, {"子", "zi"},    {"轩", "xuan"}, {"航", "hang"}, {"晓", "xiao"}, {"思", "si"},
    {"嘉", "jia"},  {"宁", "ning"},  {"安", "an"},   {"华", "hua"},  {"国", "guo"},  {"立", "li"}};

constexpr std::string_view kEnglishFemale[] = {
    "Emma",   "Olivia",  "Ava",    "Sophia",    "Isabella", "Mia",     "Charlotte", "Amelia",
    "Harper", "Evelyn",  "Abigail", "Emily",    "Elizabeth", "Sofia",  "Ella",      "Madison",
    "Scarlett", "Victoria", "Grace", "Chloe",   "Lily",     "Hannah",  "Zoe",       "Nora",
    "Sarah",  "Laura",   "Jessica", "Rachel",   "Megan",    "Lucy",    "Alice",     "Ruth",
    "Helen",  "Karen",   "Linda",  "Susan",     "Nancy",    "Julia",   "Anna",      "Claire",
    "Rebecca", "Amy",    "Kate",   "Natalie",   "Diana",    "Fiona",   "Holly",     "Jane",
    "Maria",  "Paula",   "Eleanor", "Imogen",   "Freya",    "Naomi",   "Priya",     "Leah"};

constexpr std::string_view kEnglishMale[] = {
    "Liam",    "Noah",    "Oliver",  "Elijah",  "James",     "William", "Benjamin", "Lucas",
    "Henry",   "Alexander", "Mason", "Michael", "Ethan",     "Daniel",  "Jacob",    "Logan",
    "Jackson", "Levi",    "Sebastian", "Jack",  "Owen",      "Samuel",  "David",    "Joseph",
    "John",    "Robert",  "Thomas",  "Charles", "Christopher", "Matthew", "Andrew", "Joshua",
    "Ryan",    "Nathan",  "Adam",    "Peter",   "George",    "Edward",  "Harry",    "Oscar",
    "Leo",     "Arthur",  "Frank",   "Paul",    "Mark",      "Steven",  "Kevin",    "Brian",
    "Gary",    "Tim",     "Rohan",   "Isaac",   "Callum",    "Felix",   "Marcus",   "Declan"};

constexpr std::string_view kEnglishSurnames[] = {
    "Smith",    "Johnson",  "Williams", "Brown",    "Jones",    "Garcia",   "Miller",
    "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",  "Gonzalez", "Wilson",
    "Anderson", "Thomas",   "Taylor",   "Moore",    "Jackson",  "Martin",   "Lee",
    "Perez",    "Thompson", "White",    "Harris",   "Sanchez",  "Clark",    "Ramirez",
    "Lewis",    "Robinson", "Walker",   "Young",    "Allen",    "King",     "Wright",
    "Scott",    "Torres",   "Nguyen",   "Hill",     "Flores",   "Green",    "Adams",
    "Nelson",   "Baker",    "Hall",     "Rivera",   "Campbell", "Mitchell", "Carter",
    "Roberts",  "Evans",    "Turner",   "Phillips", "Parker",   "Collins",  "Edwards",
    "Stewart",  "Morris",   "Murphy",   "Cook",     "Rogers",   "Morgan",   "Cooper",
    "Peterson", "Bailey",   "Reed",     "Kelly",    "Howard",   "Cox",      "Ward",
    "Richardson", "Watson", "Brooks",   "Wood",     "Bennett",  "Gray",     "Hughes",
    "Price",    "Sanders",  "Patel",    "O'Brien",  "MacLeod",  "Fitzgerald", "Khan",
    "Schmidt",  "Rossi",    "Novak",    "Kowalski", "Silva",    "Dubois",   "Larsen"};

const City kChineseCities[] = {
    {"Shanghai", "CN", "", 1.6},  {"Beijing", "CN", "", 1.5},   {"Shenzhen", "CN", "", 1.2},
    {"Guangzhou", "CN", "", 1.1}, {"Hangzhou", "CN", "", 0.9},  {"Chengdu", "CN", "", 0.9},
    {"Nanjing", "CN", "", 0.7},   {"Wuhan", "CN", "", 0.7},     {"Suzhou", "CN", "", 0.6},
    {"Xi'an", "CN", "", 0.5},     {"Tianjin", "CN", "", 0.5},   {"Chongqing", "CN", "", 0.6},
    {"Xiamen", "CN", "", 0.3},    {"Qingdao", "CN", "", 0.4}};

const City kOverseasCities[] = {
    {"New York", "US", "212", 1.4},      {"Los Angeles", "US", "213", 1.2},
    {"Chicago", "US", "312", 0.9},       {"Houston", "US", "713", 0.7},
    {"Seattle", "US", "206", 0.7},       {"Austin", "US", "512", 0.5},
    {"Boston", "US", "617", 0.6},        {"San Francisco", "US", "415", 0.8},
    {"Denver", "US", "303", 0.5},        {"Atlanta", "US", "404", 0.5},
    {"Miami", "US", "305", 0.5},         {"Portland", "US", "503", 0.4},
    {"San Diego", "US", "619", 0.5},     {"Philadelphia", "US", "215", 0.6},
    {"London", "GB", "20", 1.2},         {"Manchester", "GB", "161", 0.4},
    {"Edinburgh", "GB", "131", 0.3},     {"Bristol", "GB", "117", 0.3},
    {"Birmingham", "GB", "121", 0.3},    {"Toronto", "CA", "416", 0.6},
    {"Vancouver", "CA", "604", 0.5},     {"Montreal", "CA", "514", 0.3},
    {"Sydney", "AU", "2", 0.5},          {"Melbourne", "AU", "3", 0.4},
    {"Brisbane", "AU", "7", 0.2},        {"Singapore", "SG", "", 0.5}};

constexpr std::string_view kCompanyWords[] = {
    "Blue Peak", "Brightway", "Summit",    "Harborline", "Redwood", "Silverline", "Evergreen",
    "Crescent",  "Pinnacle",  "Oakridge",  "Lakeside",   "Granite", "Maple Leaf", "Horizon",
    "Northstar", "Ironbark",  "Cedar",     "Bluewater",  "Keystone", "Trillium",  "Copperfield"};

constexpr std::string_view kChineseCompanyWords[] = {
    "Huaxin", "Tianyi", "Hengtai", "Jinhui",  "Ruifeng", "Xinda",  "Dongfang",
    "Zhongke", "Haoyun", "Longsheng", "Baixing", "Yuanda", "Kaixuan", "Mingde"};

constexpr std::string_view kIndustries[] = {
    "Logistics", "Consulting", "Design Studio", "Dental Clinic", "Architects", "Media",
    "Trading",   "Software",   "Accounting",    "Realty",        "Catering",   "Engineering",
    "Photography", "Law Office", "Travel",      "Fitness"};

constexpr std::string_view kFreeMail[] = {"mail.example", "inbox.example", "post.example",
                                          "webmail.example", "fastmail.example"};
constexpr std::string_view kChineseMail[] = {"qq.example", "163.example", "126.example",
                                             "mail.example", "sina.example"};

// clang-format on

}  // namespace

std::span<const Hanzi> chinese_surnames() { return kSurnames; }
std::span<const Hanzi> chinese_given_female() { return kGivenFemale; }
std::span<const Hanzi> chinese_given_male() { return kGivenMale; }
std::span<const std::string_view> english_female() { return kEnglishFemale; }
std::span<const std::string_view> english_male() { return kEnglishMale; }
std::span<const std::string_view> english_surnames() { return kEnglishSurnames; }
std::span<const City> chinese_cities() { return kChineseCities; }
std::span<const City> overseas_cities() { return kOverseasCities; }
std::span<const std::string_view> company_words() { return kCompanyWords; }
std::span<const std::string_view> chinese_company_words() { return kChineseCompanyWords; }
std::span<const std::string_view> industries() { return kIndustries; }
std::span<const std::string_view> free_mail_domains() { return kFreeMail; }
std::span<const std::string_view> chinese_mail_domains() { return kChineseMail; }

}  // namespace ecrm::demo::data
