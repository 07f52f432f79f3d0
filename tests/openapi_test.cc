// Checks that http/openapi.json describes exactly the routes the router
// has, and that the document holds together.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

#include "http/openapi_document.h"
#include "http/router.h"

namespace taskstore::http {
namespace {

using Json = nlohmann::json;

// The operation keys of an OpenAPI path item.
constexpr const char* kOperations[] = {"get",     "put",  "post",  "delete",
                                       "options", "head", "patch", "trace"};

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return text;
}

// "GET /api/tasks" for every operation.
std::set<std::string> RouterOperations() {
  std::set<std::string> operations;
  for (const RouteMethods& route : ListRoutes()) {
    for (const std::string& method : route.methods) {
      operations.insert(method + " " + route.path);
    }
  }
  return operations;
}

std::set<std::string> DocumentOperations(const Json& document) {
  std::set<std::string> operations;
  for (const auto& [path, item] : document["paths"].items()) {
    for (const char* operation : kOperations) {
      if (item.contains(operation)) {
        operations.insert(Upper(operation) + " " + path);
      }
    }
  }
  return operations;
}

Json Document() {
  return Json::parse(OpenApiDocument(), nullptr, /*allow_exceptions=*/false);
}

// Every "$ref" value anywhere under `node`.
void CollectRefs(const Json& node, std::vector<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) refs.push_back(value);
      CollectRefs(value, refs);
    }
  } else if (node.is_array()) {
    for (const Json& value : node) CollectRefs(value, refs);
  }
}

TEST(OpenApi, IsAnOpenApi31Document) {
  Json document = Document();
  ASSERT_TRUE(document.is_object()) << "http/openapi.json is not JSON";
  EXPECT_TRUE(document.value("openapi", "").starts_with("3.1."));
  EXPECT_TRUE(document["info"].contains("title"));
  EXPECT_TRUE(document["info"].contains("version"));
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  Json document = Document();
  ASSERT_TRUE(document.is_object());
  std::set<std::string> in_router = RouterOperations();
  std::set<std::string> in_document = DocumentOperations(document);

  std::string differences;
  for (const std::string& operation : in_router) {
    if (!in_document.contains(operation)) {
      differences += "\n  the router answers " + operation +
                     ", but http/openapi.json does not describe it";
    }
  }
  for (const std::string& operation : in_document) {
    if (!in_router.contains(operation)) {
      differences += "\n  http/openapi.json describes " + operation +
                     ", but the router has no such route";
    }
  }
  EXPECT_TRUE(differences.empty())
      << "the route table and the OpenAPI document disagree:" << differences
      << "\n(HEAD is implied by GET and listed in neither.)";
}

TEST(OpenApi, EveryReferenceResolves) {
  Json document = Document();
  std::vector<std::string> refs;
  CollectRefs(document, refs);
  ASSERT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << ref;
    Json::json_pointer pointer(ref.substr(1));
    EXPECT_TRUE(document.contains(pointer)) << "dangling $ref " << ref;
  }
}

// The names of the path parameters in `parameters`, following $refs.
std::set<std::string> PathParameterNames(const Json& document,
                                         const Json& parameters) {
  std::set<std::string> names;
  for (Json parameter : parameters) {
    if (parameter.contains("$ref")) {
      std::string ref = parameter["$ref"];
      parameter = document.value(Json::json_pointer(ref.substr(1)), Json());
    }
    if (parameter.value("in", "") == "path") {
      names.insert(parameter.value("name", ""));
    }
  }
  return names;
}

TEST(OpenApi, EveryOperationHasResponsesAndItsPathParameters) {
  Json document = Document();
  for (const auto& [path, item] : document["paths"].items()) {
    std::set<std::string> on_path =
        PathParameterNames(document, item.value("parameters", Json::array()));
    for (const char* operation : kOperations) {
      if (!item.contains(operation)) continue;
      SCOPED_TRACE(Upper(operation) + " " + path);
      const Json& body = item[operation];
      EXPECT_FALSE(body.value("responses", Json::object()).empty());
      EXPECT_TRUE(body.contains("operationId"));

      std::set<std::string> declared =
          PathParameterNames(document, body.value("parameters", Json::array()));
      declared.insert(on_path.begin(), on_path.end());
      for (std::size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        std::string name =
            path.substr(open + 1, path.find('}', open) - open - 1);
        EXPECT_TRUE(declared.contains(name)) << "{" << name << "} undeclared";
      }
    }
  }
}

TEST(OpenApi, TheProblemSchemaHasTheRfc9457Members) {
  Json problem = Document()["components"]["schemas"]["Problem"];
  for (const char* member : {"type", "title", "status", "detail"}) {
    EXPECT_TRUE(problem["properties"].contains(member)) << member;
  }
}

TEST(OpenApi, IsServedAtApiOpenapiJson) {
  ASSERT_TRUE(RouterOperations().contains("GET /api/openapi.json"));
}

}  // namespace
}  // namespace taskstore::http
