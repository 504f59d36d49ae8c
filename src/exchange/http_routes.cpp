#include "exchange/http_routes.hpp"

#include <boost/json.hpp>

#include <fstream>

#include "core/time.hpp"
#include "http/context.hpp"
#include "http/fields.hpp"

namespace ecrm::exchange {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {


constexpr const char* kJobSchema =
    R"({"type":"object","properties":{"id":{"type":"integer"},)"
    R"("entity":{"type":"string","enum":["customers","products","orders"]},)"
    R"("format":{"type":"string","enum":["auto","ecrm","shopify"]},)"
    R"("status":{"type":"string","enum":["queued","running","succeeded","failed"]},)"
    R"("phase":{"type":"string"},"dry_run":{"type":"boolean"},"skip_bad":{"type":"boolean"},)"
    R"("file_name":{"type":"string"},"bytes_total":{"type":"integer"},"bytes_done":{"type":"integer"},)"
    R"("rows_read":{"type":"integer"},"records":{"type":"integer"},"inserted":{"type":"integer"},)"
    R"("updated":{"type":"integer"},"unchanged":{"type":"integer"},"bad_rows":{"type":"integer"},)"
    R"("errors":{"type":"array","items":{"type":"object","properties":{"line":{"type":"integer"},)"
    R"("field":{"type":"string"},"message":{"type":"string"}}}},)"
    R"("warnings":{"type":"array","items":{"type":"string"}},"message":{"type":"string"},)"
    R"("created_by":{"type":"string"},"created_at":{"type":"string"},)"
    R"("started_at":{"type":["string","null"]},"finished_at":{"type":["string","null"]}}})";

json::value parse_or_empty(const std::string& text) {
  json::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return json::array();
  return v;
}

json::value time_or_null(const std::optional<UnixMs>& t) {
  return t ? json::value(format_iso8601(*t)) : json::value(nullptr);
}

json::object job_json(const ImportJob& j) {
  return json::object{{"id", j.id},
                      {"entity", j.entity},
                      {"format", j.format},
                      {"status", j.status},
                      {"phase", j.phase},
                      {"dry_run", j.dry_run},
                      {"skip_bad", j.skip_bad},
                      {"file_name", j.file_name},
                      {"bytes_total", j.bytes_total},
                      {"bytes_done", j.bytes_done},
                      {"rows_read", j.rows_read},
                      {"records", j.records},
                      {"inserted", j.inserted},
                      {"updated", j.updated},
                      {"unchanged", j.unchanged},
                      {"bad_rows", j.bad_rows},
                      {"errors", parse_or_empty(j.errors)},
                      {"warnings", parse_or_empty(j.warnings)},
                      {"message", j.message},
                      {"created_by", j.created_by},
                      {"created_at", format_iso8601(j.created_at)},
                      {"started_at", time_or_null(j.started_at)},
                      {"finished_at", time_or_null(j.finished_at)}};
}

Result<Entity> entity_param(const RequestContext& ctx) {
  auto entity = parse_entity(ctx.param("entity"));
  if (!entity) {
    return Error::not_found("no such entity: " + std::string(ctx.param("entity")) +
                            " (customers, products or orders)");
  }
  return *entity;
}

Result<bool> flag_param(const RequestContext& ctx, std::string_view name) {
  auto value = ctx.request().query_param(name);
  if (!value || value->empty()) return false;
  if (*value == "true" || *value == "1" || *value == "yes") return true;
  if (*value == "false" || *value == "0" || *value == "no") return false;
  return Error::invalid(std::string(name) + " must be true or false", std::string(name));
}

// The uploaded CSV: the spooled body, or its file part for multipart/form-data.
Result<UploadedFile> uploaded_file(const RequestContext& ctx) {
  const auto& request = ctx.request();
  UploadedFile file;
  if (request.body_file) {
    file.path = request.body_file->path();
    file.length = request.body_file->size();
    file.keep_alive = request.body_file;
  }
  if (file.path.empty() || file.length == 0) {
    return Error::invalid("the request body must be a CSV file (text/csv) or a multipart form "
                          "with a file field",
                          "file", "required");
  }
  std::string content_type(request.headers.get("content-type").value_or(""));
  std::string lower = content_type;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (lower.rfind("multipart/form-data", 0) == 0) {
    auto pos = lower.find("boundary=");
    if (pos == std::string::npos) {
      return Error::invalid("multipart/form-data without a boundary", "file");
    }
    std::string boundary = content_type.substr(pos + 9);
    if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
      boundary = boundary.substr(1, boundary.size() - 2);
    }
    if (boundary.empty() || boundary.size() > 200) {
      return Error::invalid("bad multipart boundary", "file");
    }
    ECRM_ASSIGN_OR_RETURN(auto part, find_multipart_file(file.path, boundary, "file"));
    part.keep_alive = file.keep_alive;
    if (part.length == 0) return Error::invalid("the uploaded file is empty", "file", "required");
    return part;
  }
  if (auto name = request.query_param("file_name")) file.name = std::string(*name);
  return file;
}

}  // namespace

void add_exchange_routes(http::Router& router, ImportJobs& jobs, Exporter& exporter,
                         ExchangeRoutesConfig config) {
  router.add(Route{
      .method = Method::kPost,
      .pattern = "/api/v1/import/{entity}",
      .access = Access::needs("import:write"),
      .doc = {.summary = "Import customers, products or orders from CSV (ecrm's or Shopify's "
                         "columns) as a background job; the body is the file (text/csv) or a "
                         "multipart form with field `file`. Poll the job for progress and bad rows",
              .tag = "import",
              .response_schema = kJobSchema,
              .success_status = 202,
              .error_statuses = {413},
              .query_params = {"format", "dry_run", "skip_bad", "file_name"}},
      .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto entity, entity_param(ctx));
        ImportOptions options;
        options.entity = entity;
        auto format = parse_format(ctx.request().query_param("format").value_or("auto"));
        if (!format) return Error::invalid("format must be auto, ecrm or shopify", "format");
        options.format = *format;
        ECRM_ASSIGN_OR_RETURN(options.dry_run, flag_param(ctx, "dry_run"));
        ECRM_ASSIGN_OR_RETURN(options.skip_bad, flag_param(ctx, "skip_bad"));
        ECRM_ASSIGN_OR_RETURN(auto file, uploaded_file(ctx));
        ECRM_ASSIGN_OR_RETURN(auto job, jobs.submit(std::move(file), options,
                                                    ctx.principal().display()));
        ctx.set_audit(std::to_string(job.id),
                      json::serialize(json::object{{"entity", job.entity},
                                                   {"dry_run", job.dry_run},
                                                   {"skip_bad", job.skip_bad},
                                                   {"bytes", job.bytes_total}}));
        return http::json_response(202, job_json(job))
            .header("Location", "/api/v1/import/jobs/" + std::to_string(job.id));
      }),
      .max_body = config.max_upload_bytes,
      .spool_body = true,
      .audit_entity = "import"});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/import/jobs",
      .access = Access::needs("import:write"),
      .doc = {.summary = "List import jobs, newest first",
              .tag = "import",
              .query_params = {"limit", "cursor"}},
      .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto page, ctx.page(20, 100));
        ECRM_ASSIGN_OR_RETURN(auto list, jobs.list(page.after, page.limit));
        json::array items;
        for (const auto& j : list) items.push_back(job_json(j));
        return http::json_response(200, http::page_json(list, page, std::move(items)));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/import/jobs/{id}",
      .access = Access::needs("import:write"),
      .doc = {.summary = "An import job: status, progress, counts and the bad rows with their "
                         "line numbers",
              .tag = "import",
              .response_schema = kJobSchema},
      .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto job, jobs.get(id));
        return http::json_response(200, job_json(job));
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/export/{entity}",
      .access = Access::needs("export:read"),
      .doc = {.summary = "Export customers, products or orders as CSV in ecrm's columns "
                         "(streamed; orders one row per line)",
              .tag = "import"},
      .handler = handle([&exporter](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto entity, entity_param(ctx));
        Response response;
        response.content_type = "text/csv; charset=utf-8";
        response.header("Content-Disposition", "attachment; filename=\"" +
                                                   std::string(to_string(entity)) + "-" +
                                                   format_date(now_ms()) + ".csv\"");
        response.stream = [&exporter, entity](http::BodyWriter& out) -> Status {
          auto rows = exporter.run(entity, [&out](std::string_view text) { return out.write(text); });
          if (!rows.ok()) return std::move(rows).error();
          return {};
        };
        ctx.set_audit(std::string(to_string(entity)));
        return response;
      })});
}

}  // namespace ecrm::exchange
