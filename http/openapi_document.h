// The OpenAPI 3.1 description of every route, http/openapi.json, built
// into the binary (see cmake/embed_text.cmake) and served at
// GET /api/openapi.json. tests/openapi_test.cc checks that it and the
// router's route table (ListRoutes in router.h) name the same operations.
#ifndef TASKSTORE_HTTP_OPENAPI_DOCUMENT_H_
#define TASKSTORE_HTTP_OPENAPI_DOCUMENT_H_

#include <string_view>

namespace taskstore::http {

// The JSON text of the document, as it is in the repository.
std::string_view OpenApiDocument();

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_OPENAPI_DOCUMENT_H_
