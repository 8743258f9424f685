/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * bp_json_parser_load:
 * @parser: a parser
 * @data: (array length=length): the text, not necessarily NUL-terminated
 * @length: its length in bytes, or -1 when NUL-terminated
 * @error: a JSON_PARSER_ERROR
 *
 * json_parser_load_from_data() for text from outside (a server's answer, a
 * file): fails when there is no value at all (json-glib gives a document
 * without a root), when anything but white space follows the first JSON
 * value, and on comments and single quotes, which json-glib takes but
 * JSON does not have.
 * json-glib 1.6 reads `{...}{...}` without an error, keeps the first value
 * and leaks every value after it, so a hostile server could make a
 * long-running application grow; RFC 8259 does not allow the second value
 * either (found by tests/fuzz).
 */
gboolean bp_json_parser_load (JsonParser  *parser,
                              const char  *data,
                              gssize       length,
                              GError     **error);

/* A member that is a string of valid UTF-8; NULL otherwise. json-glib decodes
 * a lone surrogate escape ("\ud9a0") to bytes that are not UTF-8, which no
 * label, file or HTTP header should get (found by tests/fuzz). */
const char *bp_json_object_get_string (JsonObject  *object,
                                       const char  *member);

/* TRUE when @text is valid UTF-8: for member names, which come from the same decoder. */
gboolean    bp_json_is_text           (const char  *text);

/* g_utf8_validate() of @length bytes (NUL refused), fast on text that is
 * mostly ASCII. */
gboolean    bp_json_validate_utf8     (const char  *text,
                                       gsize        length);

/* The first byte at or after @p that is not JSON white space, or @end. */
const char *bp_json_skip_white_space  (const char  *p,
                                       const char  *end);

/* Deep copies: json_node_copy() shares nested objects and arrays, and what
 * an account keeps must not. */
JsonNode   *bp_json_node_copy         (JsonNode    *node);
JsonObject *bp_json_object_copy       (JsonObject  *object);

G_END_DECLS
