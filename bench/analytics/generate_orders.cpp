// Writes the benchmark's synthetic orders as CSV (customer_id,date,amount) to stdout, so that
// rfm_sql.sh can load exactly the orders BM_RfmTiers scores into SQLite and PostgreSQL.
//   generate_orders [ORDERS [CUSTOMERS]]   (default 10000000 1000000)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/time.hpp"
#include "synthetic.hpp"

int main(int argc, char** argv) {
  const std::size_t orders = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const std::size_t customers = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const auto data = ecrm::bench::make_orders(orders, customers);
  std::vector<std::string> dates;
  for (std::int32_t d = data.first_day; d <= data.last_day; ++d) {
    dates.push_back(ecrm::format_date(static_cast<ecrm::UnixMs>(d) * ecrm::kMsPerDay));
  }
  static char buffer[1 << 20];
  std::setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
  std::fputs("customer_id,date,amount\n", stdout);
  for (std::size_t i = 0; i < orders; ++i) {
    const long long amount = data.amount_minor[i];
    std::printf("%u,%s,%lld.%02lld\n", data.customer[i] + 1,
                dates[static_cast<std::size_t>(data.day[i] - data.first_day)].c_str(), amount / 100,
                amount % 100);
  }
  return 0;
}
