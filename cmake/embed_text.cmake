# Writes a C++ source that defines `std::string_view NAME()` returning the
# bytes of INPUT, so that a file kept in the repository ships inside the
# binary. Run as a build step:
#   cmake -DINPUT=in.json -DOUTPUT=out.cc -DNAME=Fn -DHEADER=http/x.h
#         -DNAMESPACE=taskstore::http -P embed_text.cmake
# The bytes are written as hexadecimal numbers, so no content (quotes,
# backslashes, a ")" followed by a delimiter) can break the source.
file(READ "${INPUT}" content HEX)
string(LENGTH "${content}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${content}")
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/embed_text.cmake; do not edit.\n"
  "#include \"${HEADER}\"\n\n"
  "namespace ${NAMESPACE} {\nnamespace {\n"
  "constexpr char kBytes[] = {\n    ${bytes}'\\0'};\n"
  "}  // namespace\n\n"
  "std::string_view ${NAME}() { return {kBytes, ${size}}; }\n\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
