// Fuzzes the mustache templates staff write (messaging/render.hpp): the input up to the first NUL
// byte is a template source, checked as each of the three parts; one that passes is rendered
// with the data after the NUL when that is a JSON object, else with a typical customer's data.
// render() is also given unchecked sources, which it must refuse rather than misbehave on.
#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "messaging/render.hpp"

namespace {

const boost::json::value& default_data() {
  static const boost::json::value data = boost::json::parse(R"({
    "customer": {"name": "Ann <b>&amp;</b>", "first_name": "Ann", "email": "ann@x.test",
                 "city": "Lyon", "company": "", "language": "fr",
                 "referral_code": "ANN7", "referral_url": "https://shop.example/?ref=ANN7"},
    "shop": {"name": "Shop", "url": "https://shop.example"},
    "unsubscribe_url": "https://shop.example/u/1",
    "recommendations": [{"name": "Lamp", "reason": "bought a desk"}, {"name": "Bulb", "reason": "<i>"}],
    "order": {"number": "1001", "total": "12.50"},
    "version": "A"
  })");
  return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto nul = input.find('\0');
  std::string source(input.substr(0, nul));
  std::string_view rest = nul == std::string_view::npos ? std::string_view{} : input.substr(nul + 1);

  boost::json::value parsed;
  if (!rest.empty()) {
    boost::system::error_code ec;
    parsed = boost::json::parse(rest, ec);
    if (ec || !parsed.is_object()) parsed = nullptr;
  }
  const boost::json::value& values = parsed.is_object() ? parsed : default_data();

  ecrm::messaging::TemplateInput tmpl{ecrm::messaging::MessageKind::kMarketing, source, source,
                                      source};
  auto checked = ecrm::messaging::check(tmpl);
  (void)ecrm::messaging::check("subject", source);
  auto rendered = ecrm::messaging::render(tmpl, values);
  (void)checked.ok();
  (void)rendered.ok();
  return 0;
}
