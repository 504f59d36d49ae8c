// JSON reports of the engines' results, shared by the CLI and (later) the HTTP API. Doubles are
// left as doubles; write_json (json_output.hpp) decides how they are printed.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <span>

#include "analytics/bgnbd.hpp"
#include "analytics/gamma_gamma.hpp"
#include "analytics/pareto.hpp"
#include "analytics/rfm.hpp"
#include "analytics/summary.hpp"

namespace ecrm::analytics {

// {"r","alpha","a","b","log_likelihood","customers"}
boost::json::object to_json(const BgNbdFit& fit);
// {"p","q","gamma","customers"}
boost::json::object to_json(const GammaGammaFit& fit);
// {"length","groups":[{"frequency":"0".."7+","customers","actual","predicted",
//  "actual_mean","predicted_mean"}],"total":{"actual","predicted"}}
boost::json::object to_json(const HoldoutReport& report);

// {"customers","revenue","top20_revenue_share","gini","tiers":{…},"segments":{…}} over `rows`
// (from compute_rfm); revenue is the signed sum of their amounts in major units (minor / 100).
// Every tier and segment appears, with 0 when empty.
boost::json::object rfm_summary_json(std::span<const RfmRow> rows);

}  // namespace ecrm::analytics
