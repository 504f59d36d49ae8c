#include "feedback/mining.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "core/describe.hpp"
#include "feedback/repo.hpp"
#include "feedback/service.hpp"
#include "http/wire.hpp"
#include "search/segment.hpp"

namespace ecrm::feedback {
namespace {

namespace json = boost::json;

// A JSON text the job stored; null when it does not parse.
json::value parse_stored(std::string_view text) {
  boost::system::error_code ec;
  json::value out = json::parse(text, ec);
  return ec ? json::value() : out;
}
using storage::Connection;
using storage::TxMode;

constexpr UnixMs kClaimMs = 30 * 60 * 1000;
// Changes are looked for from this long before the watermark: a write whose transaction
// committed after the last run started may carry an earlier time.
constexpr UnixMs kLateWrites = 60 * 1000;
constexpr UnixMs kWeekMs = 7 * kMsPerDay;
// Figures older than this are counted again (without mining) though no text changed: their
// windows (the last 30 days, the last seven) have moved on.
constexpr UnixMs kRecountAfter = kMsPerDay;
constexpr std::size_t kWeeklyIssues = 20;
constexpr std::size_t kAlertExamples = 3;

const FeedbackSource kSources[] = {FeedbackSource::kReview, FeedbackSource::kCommunity,
                                   FeedbackSource::kTicket, FeedbackSource::kMention};

std::string text_key(FeedbackSource source, std::int64_t id) {
  return std::to_string(static_cast<int>(source)) + ":" + std::to_string(id);
}

// The miner's example ids are "<source>:<id>".
FeedbackTextRef ref_of(std::string_view key) {
  FeedbackTextRef out;
  const std::size_t colon = key.find(':');
  int source = 0;
  std::from_chars(key.data(), key.data() + colon, source);
  out.source = static_cast<FeedbackSource>(source);
  std::from_chars(key.data() + colon + 1, key.data() + key.size(), out.id);
  return out;
}

// The report's 30-day windows: 0 the last kTrendDays days, 1 the kTrendDays before.
int report_period(UnixMs at, UnixMs now) {
  const UnixMs window = kTrendDays * kMsPerDay;
  return at > now - window ? 0 : at > now - 2 * window ? 1 : -1;
}

// The week of `at` counted back from `now` (0: the last seven days); -1 beyond the trailing weeks.
int week_back(UnixMs at, UnixMs now) {
  const UnixMs age = std::max<UnixMs>(0, now - at);
  const UnixMs week = age / kWeekMs;
  return week <= static_cast<UnixMs>(kTrailingWeeks) ? static_cast<int>(week) : -1;
}

// What the job computes of one product from its stored texts.
struct Computed {
  ProductFigures figures;
  std::vector<PeriodRow> periods;
  std::vector<FeedbackAlert> alerts;
};

Computed compute(std::int64_t product_id, std::optional<std::int64_t> category_id,
                 std::vector<StoredText> texts, const RiseOptions& rise, UnixMs now) {
  // The report's order: by source, newest first within each.
  std::sort(texts.begin(), texts.end(), [](const StoredText& a, const StoredText& b) {
    if (a.source != b.source) return static_cast<int>(a.source) < static_cast<int>(b.source);
    return a.id > b.id;
  });
  const auto& scorer = SentimentScorer::shared();
  const auto& segmenter = search::Segmenter::shared();
  PhraseMiner report(scorer, segmenter);
  PhraseOptions weekly_options;
  weekly_options.min_count = 1;
  weekly_options.periods = kTrailingWeeks + 1;
  PhraseMiner weekly(scorer, segmenter, weekly_options);

  Computed out;
  ProductFigures& f = out.figures;
  f.product_id = product_id;
  f.category_id = category_id;
  f.mined_at = now;
  std::map<FeedbackSource, std::int64_t> per_source;
  std::map<std::pair<FeedbackPeriod, UnixMs>, PeriodRow> periods;
  std::vector<WeekShare> shares(kTrailingWeeks + 1);
  std::vector<FeedbackTextRef> negative_this_week;
  for (const StoredText& text : texts) {
    const std::optional<MinedText> mined = mined_from_json(text.mined);
    const std::string key = text_key(text.source, text.id);
    if (mined) {
      report.replay(key, *mined, report_period(text.written_at, now));
      const int week = week_back(text.written_at, now);
      if (week >= 0) weekly.replay(key, *mined, week);
    }
    ++f.texts;
    ++per_source[text.source];
    const auto count = [&](FeedbackSentimentShare& s) {
      switch (text.polarity) {
        case Polarity::kPositive: ++s.positive; break;
        case Polarity::kNeutral: ++s.neutral; break;
        case Polarity::kNegative: ++s.negative; break;
      }
    };
    count(f.sentiment);
    for (const auto& [period, start] : {std::pair{FeedbackPeriod::kDay, day_start(text.written_at)},
                                        std::pair{FeedbackPeriod::kWeek, week_start(text.written_at)}}) {
      PeriodRow& row = periods[{period, start}];
      row.period = period;
      row.start = start;
      ++row.texts;
      FeedbackSentimentShare s{row.positive, row.neutral, row.negative};
      count(s);
      row.positive = s.positive;
      row.neutral = s.neutral;
      row.negative = s.negative;
    }
    if (const int week = week_back(text.written_at, now); week >= 0) {
      ++shares[static_cast<std::size_t>(week)].texts;
      if (text.polarity == Polarity::kNegative) {
        ++shares[static_cast<std::size_t>(week)].negative;
        if (week == 0 && negative_this_week.size() < kAlertExamples) {
          negative_this_week.push_back({text.source, text.id});
        }
      }
    }
  }
  std::vector<FeedbackSourceCount> sources;
  for (const FeedbackSource source : kSources) sources.push_back({source, per_source[source]});
  f.sources = json::serialize(wire::to_json(sources));
  f.complaints = json::serialize(wire::to_json(issue_views(report.complaints(kMaxReportTop))));
  f.praise = json::serialize(wire::to_json(issue_views(report.praise(kMaxReportTop))));
  for (auto& [key, row] : periods) out.periods.push_back(row);

  const UnixMs this_week = week_start(now);
  std::vector<FeedbackWeeklyIssue> weekly_issues;
  for (const Issue& issue : weekly.complaints(kWeeklyIssues)) {
    FeedbackWeeklyIssue view{issue.phrase, issue.count, issue.periods, {}};
    for (const Quote& quote : issue.examples) view.examples.push_back(ref_of(quote.id));
    if (issue_rising(issue.periods, rise)) {
      FeedbackAlert alert;
      alert.product_id = product_id;
      alert.category_id = category_id;
      alert.kind = FeedbackAlertKind::kIssueRising;
      alert.phrase = issue.phrase;
      alert.week_start = this_week;
      alert.count = issue.periods.at(0);
      std::int64_t trailing = 0;
      for (std::size_t w = 1; w < issue.periods.size(); ++w) trailing += issue.periods[w];
      alert.baseline = static_cast<double>(trailing) / static_cast<double>(kTrailingWeeks);
      alert.examples = view.examples;
      alert.created_at = now;
      out.alerts.push_back(std::move(alert));
    }
    weekly_issues.push_back(std::move(view));
  }
  f.weekly_issues = json::serialize(wire::to_json(weekly_issues));
  if (negative_jumped(shares, rise)) {
    FeedbackAlert alert;
    alert.product_id = product_id;
    alert.category_id = category_id;
    alert.kind = FeedbackAlertKind::kNegativeJump;
    alert.week_start = this_week;
    alert.count = shares[0].negative;
    std::int64_t texts_before = 0;
    std::int64_t negative_before = 0;
    for (std::size_t w = 1; w < shares.size(); ++w) {
      texts_before += shares[w].texts;
      negative_before += shares[w].negative;
    }
    alert.baseline = static_cast<double>(negative_before) / static_cast<double>(texts_before);
    alert.share = static_cast<double>(shares[0].negative) / static_cast<double>(shares[0].texts);
    alert.examples = negative_this_week;
    alert.created_at = now;
    out.alerts.push_back(std::move(alert));
  }
  return out;
}

}  // namespace

std::vector<FeedbackIssue> issue_views(const std::vector<Issue>& issues) {
  std::vector<FeedbackIssue> out;
  for (const Issue& issue : issues) {
    FeedbackIssue view{issue.phrase, issue.count, {}, issue.recent, issue.previous, false};
    view.rising = issue.recent >= kRisingMinimum && issue.recent >= 2 * issue.previous;
    for (const Quote& quote : issue.examples) {
      const FeedbackTextRef ref = ref_of(quote.id);
      view.examples.push_back({ref.source, ref.id, quote.quote});
    }
    out.push_back(std::move(view));
  }
  return out;
}

std::string mined_to_json(const MinedText& mined) {
  json::object out;
  json::array quotes;
  for (const std::string& q : mined.quotes) quotes.emplace_back(q);
  json::array occurrences;
  for (const MinedText::Occurrence& o : mined.occurrences) {
    occurrences.emplace_back(json::array{json::value(o.key), json::value(o.surface),
                                         json::value(o.complaint ? 1 : 0), json::value(o.weight),
                                         json::value(static_cast<std::int64_t>(o.quote))});
  }
  out["q"] = std::move(quotes);
  out["o"] = std::move(occurrences);
  return json::serialize(out);
}

std::optional<MinedText> mined_from_json(std::string_view text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::object& object = parsed.get_object();
  const auto* quotes = object.if_contains("q");
  const auto* occurrences = object.if_contains("o");
  if (!quotes || !quotes->is_array() || !occurrences || !occurrences->is_array()) return std::nullopt;
  MinedText out;
  for (const json::value& q : quotes->get_array()) {
    if (!q.is_string()) return std::nullopt;
    out.quotes.emplace_back(q.get_string());
  }
  for (const json::value& o : occurrences->get_array()) {
    if (!o.is_array() || o.get_array().size() != 5) return std::nullopt;
    const json::array& a = o.get_array();
    if (!a[0].is_string() || !a[1].is_string() || !a[2].is_int64() || !a[3].is_number() ||
        !a[4].is_int64()) {
      return std::nullopt;
    }
    const std::int64_t quote = a[4].get_int64();
    if (quote < 0 || static_cast<std::size_t>(quote) >= out.quotes.size()) return std::nullopt;
    out.occurrences.push_back({std::string(a[0].get_string()), std::string(a[1].get_string()),
                               a[2].get_int64() != 0, a[3].to_number<double>(),
                               static_cast<std::uint32_t>(quote)});
  }
  return out;
}

AlertNotice alert_notice(const FeedbackAlert& alert) {
  AlertNotice out;
  out.event_key = "feedback_alert:" + std::to_string(alert.id);
  out.link = "/feedback/products?product=" + std::to_string(alert.product_id);
  const std::string product =
      (alert.product_name.empty() ? "product " + std::to_string(alert.product_id)
                                  : alert.product_name) +
      (alert.sku.empty() ? "" : " (" + alert.sku + ")");
  const auto percent = [](double share) {
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", share * 100);
    return std::string(text);
  };
  if (alert.kind == FeedbackAlertKind::kIssueRising) {
    char baseline[32];
    std::snprintf(baseline, sizeof baseline, "%.2f", alert.baseline);
    out.title = "Feedback alert: \"" + alert.phrase + "\" is rising for " + product;
    out.body = "\"" + alert.phrase + "\" was named in " + std::to_string(alert.count) +
               " texts about " + product + " in the last seven days, against " + baseline +
               " a week in the weeks before.";
  } else {
    out.title = "Feedback alert: negative feedback jumped for " + product;
    out.body = percent(alert.share.value_or(0)) + " of the texts about " + product +
               " in the last seven days were negative (" + std::to_string(alert.count) +
               "), against " + percent(alert.baseline) + " in the weeks before.";
  }
  return out;
}

std::string text_digest(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

FeedbackMining::FeedbackMining(storage::Database& db, MiningOptions options)
    : db_(db), options_(options) {}

Result<FeedbackMining::ProductRun> FeedbackMining::mine_product(std::int64_t product_id,
                                                                UnixMs now) {
  ProductRun run;
  // Read the product's texts and what is stored of them; mine the new and changed ones outside
  // any transaction.
  std::vector<std::pair<SourcedText, std::string>> current;  // text, digest
  std::map<std::pair<FeedbackSource, std::int64_t>, std::string> stored;
  {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    FeedbackRepo texts;
    ECRM_RETURN_IF_ERROR(texts.texts(*lease, product_id, kTextsPerSource, [&](SourcedText&& t) {
      std::string digest = text_digest(t.text);
      current.emplace_back(std::move(t), std::move(digest));
    }));
    ECRM_RETURN_IF_ERROR(repo_.texts(*lease, product_id, [&](StoredText&& t) {
      stored.emplace(std::pair{t.source, t.id}, std::move(t.digest));
    }));
  }
  PhraseMiner miner(SentimentScorer::shared(), search::Segmenter::shared());
  std::vector<StoredText> changed;
  std::set<std::pair<FeedbackSource, std::int64_t>> present;
  for (auto& [text, digest] : current) {
    const std::pair key{text.source, text.id};
    if (!present.insert(key).second) continue;
    const auto it = stored.find(key);
    if (it != stored.end() && it->second == digest) continue;
    const MinedText mined = miner.analyse(text.text);
    changed.push_back({text.source, text.id, text.at, digest, mined.sentiment.polarity,
                       mined.sentiment.score, mined_to_json(mined)});
  }
  std::vector<std::pair<FeedbackSource, std::int64_t>> gone;
  for (const auto& [key, digest] : stored) {
    if (!present.contains(key)) gone.push_back(key);
  }
  run.mined = static_cast<std::int64_t>(changed.size());
  run.removed = static_cast<std::int64_t>(gone.size());
  // Nothing changed and figures exist: the stored figures stand.
  if (changed.empty() && gone.empty()) {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto figures, repo_.figures(*lease, product_id));
    if (figures ? figures->mined_at > now - kRecountAfter : current.empty()) return run;
  }
  ECRM_RETURN_IF_ERROR(storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    run.alerts = 0;
    for (const StoredText& text : changed) {
      ECRM_RETURN_IF_ERROR(repo_.put_text(c, product_id, text, now));
    }
    for (const auto& [source, id] : gone) {
      ECRM_RETURN_IF_ERROR(repo_.remove_text(c, product_id, source, id));
    }
    std::vector<StoredText> all;
    ECRM_RETURN_IF_ERROR(repo_.texts(c, product_id, [&](StoredText&& t) { all.push_back(std::move(t)); }));
    ECRM_ASSIGN_OR_RETURN(auto category, repo_.category_of(c, product_id));
    Computed computed = compute(product_id, category, std::move(all), options_.rise, now);
    ECRM_RETURN_IF_ERROR(repo_.put_figures(c, computed.figures));
    ECRM_RETURN_IF_ERROR(repo_.put_periods(c, product_id, category, computed.periods));
    for (const FeedbackAlert& alert : computed.alerts) {
      ECRM_ASSIGN_OR_RETURN(auto added, repo_.add_alert(c, alert));
      if (!added) continue;
      ++run.alerts;
      if (!on_alert_) continue;
      ECRM_ASSIGN_OR_RETURN(auto stored, repo_.alert(c, *added));
      if (stored) ECRM_RETURN_IF_ERROR(on_alert_(c, *stored));
    }
    return {};
  }));
  return run;
}

Result<MiningOutcome> FeedbackMining::run(const std::string& owner, UnixMs now) {
  const auto started = std::chrono::steady_clock::now();
  // The claim takes a full run asked for (request_full) with it.
  bool took_request = false;
  const auto claim = [&](Connection& c) -> Result<bool> {
    ECRM_ASSIGN_OR_RETURN(bool got, repo_.claim(c, owner, now, now + kClaimMs));
    if (!got) return false;
    ECRM_ASSIGN_OR_RETURN(took_request, repo_.full_requested(c));
    if (took_request) ECRM_RETURN_IF_ERROR(repo_.set_full_requested(c, false));
    return true;
  };
  ECRM_ASSIGN_OR_RETURN(auto claimed,
                        storage::with_transaction<bool>(db_, TxMode::kWrite, claim));
  if (!claimed) {
    return Error::conflict("a feedback mining run is already running", {}, "already_running");
  }
  MiningOutcome outcome;
  const auto work = [&]() -> Status {
    ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
    ECRM_ASSIGN_OR_RETURN(auto job, repo_.job(*lease));
    outcome.full = took_request || !job.watermark;
    std::vector<std::int64_t> products;
    if (outcome.full) {
      ECRM_ASSIGN_OR_RETURN(products, repo_.all_products(*lease));
    } else {
      ECRM_ASSIGN_OR_RETURN(products, repo_.changed_products(*lease, *job.watermark - kLateWrites));
      ECRM_ASSIGN_OR_RETURN(auto stale, repo_.stale_products(*lease, now - kRecountAfter));
      products.insert(products.end(), stale.begin(), stale.end());
      std::sort(products.begin(), products.end());
      products.erase(std::unique(products.begin(), products.end()), products.end());
    }
    lease = {};
    for (const std::int64_t product_id : products) {
      ECRM_ASSIGN_OR_RETURN(auto product_run, mine_product(product_id, now));
      ++outcome.products;
      outcome.texts_mined += product_run.mined;
      outcome.texts_removed += product_run.removed;
      outcome.alerts += product_run.alerts;
    }
    return {};
  };
  Status status = work();
  outcome.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  Status finished = storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) -> Status {
    // A failed run leaves the full run it took to the next one.
    if (!status.ok() && took_request) ECRM_RETURN_IF_ERROR(repo_.set_full_requested(c, true));
    return repo_.finish(c, owner, now_ms(), status.ok() ? "ok" : "failed",
                        status.ok() ? std::string() : status.error().message,
                        status.ok() ? std::optional<UnixMs>(now) : std::nullopt, outcome);
  });
  if (!status.ok()) return std::move(status).error();
  if (!finished.ok()) return std::move(finished).error();
  return outcome;
}

Status FeedbackMining::request_full(bool requested) {
  return storage::with_transaction(db_, TxMode::kWrite, [&](Connection& c) {
    return repo_.set_full_requested(c, requested);
  });
}

Result<FeedbackMiningStatus> FeedbackMining::status(bool queued, UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto job, repo_.job(*lease));
  const JobStatus base = job_status(job, queued, now);
  FeedbackMiningStatus out;
  out.state = base.state;
  out.claimed_by = base.claimed_by;
  out.started_at = base.started_at;
  out.finished_at = base.finished_at;
  out.last_status = base.last_status;
  out.last_error = base.last_error;
  out.watermark = job.watermark;
  out.full = job.full;
  out.products = job.products;
  out.texts_mined = job.texts_mined;
  out.texts_removed = job.texts_removed;
  out.alerts = job.alerts;
  out.duration_ms = job.duration_ms;
  ECRM_ASSIGN_OR_RETURN(out.texts_stored, repo_.texts_stored(*lease));
  return out;
}

Result<std::optional<std::string>> FeedbackMining::claim_holder(UnixMs now) {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto job, repo_.job(*lease));
  if (job.claimed_until && *job.claimed_until >= now) {
    return std::optional<std::string>(job.claimed_by);
  }
  return std::optional<std::string>();
}

Result<std::optional<UnixMs>> FeedbackMining::last_run() {
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(auto job, repo_.job(*lease));
  if (!job.watermark) return std::optional<UnixMs>();
  return job.finished_at;
}

Result<FeedbackAlertList> FeedbackMining::alerts(const FeedbackAlertQuery& query) {
  const std::int64_t limit = query.limit.value_or(50);
  if (limit < 1 || limit > kMaxAlertPage) {
    return Error::invalid("limit must be between 1 and " + std::to_string(kMaxAlertPage), "limit");
  }
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  FeedbackAlertList out;
  ECRM_ASSIGN_OR_RETURN(out.items, repo_.alerts(*lease, query, limit));
  ECRM_ASSIGN_OR_RETURN(out.open, repo_.open_alerts(*lease, query));
  return out;
}

Result<FeedbackAlert> FeedbackMining::acknowledge(std::int64_t id, std::int64_t user_id,
                                                  UnixMs now) {
  return storage::with_transaction<FeedbackAlert>(
      db_, TxMode::kWrite, [&](Connection& c) -> Result<FeedbackAlert> {
        ECRM_ASSIGN_OR_RETURN(auto alert, repo_.alert(c, id));
        if (!alert) return Error::not_found("no such alert");
        if (alert->acknowledged_at) return *alert;
        ECRM_ASSIGN_OR_RETURN(bool changed, repo_.acknowledge(c, id, user_id, now));
        (void)changed;
        ECRM_ASSIGN_OR_RETURN(alert, repo_.alert(c, id));
        return *alert;
      });
}

Result<FeedbackTrends> FeedbackMining::trends(const FeedbackTrendQuery& query) {
  if (query.product_id.has_value() == query.category_id.has_value()) {
    return Error::invalid("give either product_id or category_id", "product_id");
  }
  FeedbackTrends out;
  out.period = query.period.value_or(FeedbackPeriod::kWeek);
  ECRM_ASSIGN_OR_RETURN(auto lease, db_.acquire());
  ECRM_ASSIGN_OR_RETURN(out.points, repo_.trend(*lease, query.product_id, query.category_id,
                                                out.period, query.periods.value_or(12)));
  if (query.product_id) {
    ECRM_ASSIGN_OR_RETURN(auto figures, repo_.figures(*lease, *query.product_id));
    if (figures) {
      out.mined_at = figures->mined_at;
      auto issues = wire::read<std::vector<FeedbackWeeklyIssue>>(
          parse_stored(figures->weekly_issues));
      if (issues.ok()) out.issues = std::move(issues).value();
    }
  }
  return out;
}

}  // namespace ecrm::feedback
