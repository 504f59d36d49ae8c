#include "exchange/http_routes.hpp"

#include <boost/json.hpp>

#include <fstream>

#include "core/time.hpp"
#include "http/context.hpp"
#include "http/params.hpp"

namespace ecrm::exchange {

namespace json = boost::json;
using http::Access;
using http::handle;
using http::Method;
using http::RequestContext;
using http::Response;
using http::Route;

namespace {

// The entity in the path; kNotFound when it names none.
Result<Entity> entity_param(const RequestContext& ctx) {
  auto entity = wire::parse_enum<Entity>(ctx.param("entity"));
  if (!entity) {
    return Error::not_found("no such entity: " + std::string(ctx.param("entity")) +
                            " (customers, products or orders)");
  }
  return *entity;
}

// The uploaded CSV: the spooled body, or its file part for multipart/form-data.
Result<UploadedFile> uploaded_file(const RequestContext& ctx, const ImportQuery& query) {
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
  file.name = query.file_name.value_or("");
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
              .request = http::text_body("text/csv"),
              .response = http::json_body<ImportJob>(),
              .success_status = 202,
              .error_statuses = {413},
              .query = http::query_of<ImportQuery>()},
      .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto entity, entity_param(ctx));
        ECRM_ASSIGN_OR_RETURN(auto query, http::read_query<ImportQuery>(ctx));
        ImportOptions options;
        options.entity = entity;
        options.format = query.format;
        options.dry_run = query.dry_run;
        options.skip_bad = query.skip_bad;
        ECRM_ASSIGN_OR_RETURN(auto file, uploaded_file(ctx, query));
        ECRM_ASSIGN_OR_RETURN(auto job, jobs.submit(std::move(file), options,
                                                    ctx.principal().display()));
        ctx.set_audit(std::to_string(job.id),
                      json::serialize(json::object{{"entity", wire::enum_name(job.entity)},
                                                   {"dry_run", job.dry_run},
                                                   {"skip_bad", job.skip_bad},
                                                   {"bytes", job.bytes_total}}));
        return http::reply(202, job).header("Location",
                                            "/api/v1/import/jobs/" + std::to_string(job.id));
      }),
      .max_body = config.max_upload_bytes,
      .spool_body = true,
      .audit_entity = "import"});

  router.add(Route{.method = Method::kGet,
                   .pattern = "/api/v1/import/jobs",
                   .access = Access::needs("import:write"),
                   .doc = {.summary = "List import jobs, newest first",
                           .tag = "import",
                           .response = http::json_body<http::Page<ImportJob>>(),
                           .query_params = {"limit", "cursor"}},
                   .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
                     ECRM_ASSIGN_OR_RETURN(auto page, http::id_page(ctx, 20, 100));
                     ECRM_ASSIGN_OR_RETURN(auto list, jobs.list(page.last_id, page.limit));
                     return http::reply(200, http::page_by_id(std::move(list), page.limit));
                   })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/import/jobs/{id}",
      .access = Access::needs("import:write"),
      .doc = {.summary = "An import job: status, progress, counts and the bad rows with their "
                         "line numbers",
              .tag = "import",
              .response = http::json_body<ImportJob>()},
      .handler = handle([&jobs](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto id, ctx.id_param("id"));
        ECRM_ASSIGN_OR_RETURN(auto job, jobs.get(id));
        return http::reply(200, job);
      })});

  router.add(Route{
      .method = Method::kGet,
      .pattern = "/api/v1/export/{entity}",
      .access = Access::needs("export:read"),
      .doc = {.summary = "Export customers, products or orders as CSV in ecrm's columns "
                         "(streamed; orders one row per line)",
              .tag = "import",
              .response = http::text_body("text/csv")},
      .handler = handle([&exporter](RequestContext& ctx) -> Result<Response> {
        ECRM_ASSIGN_OR_RETURN(auto entity, entity_param(ctx));
        Response response;
        response.content_type = "text/csv; charset=utf-8";
        response.header("Content-Disposition", "attachment; filename=\"" +
                                                   std::string(wire::enum_name(entity)) + "-" +
                                                   format_date(now_ms()) + ".csv\"");
        response.stream = [&exporter, entity](http::BodyWriter& out) -> Status {
          auto rows = exporter.run(entity, [&out](std::string_view text) { return out.write(text); });
          if (!rows.ok()) return std::move(rows).error();
          return {};
        };
        ctx.set_audit(std::string(wire::enum_name(entity)));
        return response;
      })});
}

}  // namespace ecrm::exchange
