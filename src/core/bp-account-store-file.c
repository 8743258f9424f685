/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bp-account-store-private.h"
#include "bp-error.h"
#include "bp-json.h"

/* Reading accounts.json: checking it, and moving aside what cannot be used,
 * so that nothing an administrator saved is ever overwritten. */

/* A real store of 10,000 accounts with certificates is ~25 MiB; anything much
 * larger is not ours, and reading it whole would only hurt. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

void
bp_store_contents_free (BpStoreContents *result)
{
  g_clear_pointer (&result->accounts, g_ptr_array_unref);
  g_clear_pointer (&result->root, json_object_unref);
  g_clear_error (&result->read_only_error);
  g_free (result);
}


/* Moves a file we cannot use to accounts.json.corrupt-<timestamp>, never
 * overwriting an earlier one, and returns where it went. */
static GFile *
move_aside (GFile   *file,
            GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  for (guint attempt = 1; attempt < 100; attempt++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GFile) target = NULL;
      g_autoptr(GError) local_error = NULL;

      if (attempt == 1)
        name = g_strdup_printf ("%s.corrupt-%s", basename, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", basename, stamp, attempt);

      target = g_file_get_child (parent, name);
      if (g_file_move (file, target, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&target);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "too many corrupt copies");
  return NULL;
}

/* Turns a reason why the file is unusable into BP_ERROR_STORE_CORRUPT after
 * moving the file aside; the message names the new file. */
static void
report_corrupt_file (GFile       *file,
                     const char  *reason,
                     GError     **error)
{
  g_autoptr(GError) move_error = NULL;
  g_autoptr(GFile) moved = move_aside (file, &move_error);
  g_autofree char *path = g_file_get_path (file);

  if (moved == NULL)
    {
      /* We could not move it: say so, and the store stays read-only so the
       * file is never overwritten (see load_file()). */
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_READ,
                   _("The accounts file %s cannot be used (%s), and it could not be moved aside: %s"),
                   path, reason, move_error->message);
      return;
    }

  {
    g_autofree char *moved_path = g_file_get_path (moved);

    g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                 _("The accounts file could not be read (%s). It was moved to %s and the list starts empty; "
                   "the file is kept so that nothing is lost."),
                 reason, moved_path);
  }
}

static gboolean
parse_accounts (JsonNode    *root_node,
                GPtrArray   *accounts,
                gint64      *version,
                char       **reason)
{
  JsonObject *root;
  JsonNode *version_node;
  JsonNode *accounts_node;
  JsonArray *array;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      *reason = g_strdup (_("it does not contain a JSON object"));
      return FALSE;
    }

  root = json_node_get_object (root_node);
  version_node = json_object_get_member (root, "version");
  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node)
      || json_node_get_value_type (version_node) != G_TYPE_INT64)
    {
      *reason = g_strdup (_("its format version is missing"));
      return FALSE;
    }

  *version = json_node_get_int (version_node);
  if (*version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    return TRUE;

  if (*version < 1)
    {
      *reason = g_strdup (_("its format version is not valid"));
      return FALSE;
    }

  accounts_node = json_object_get_member (root, "accounts");
  if (accounts_node == NULL || !JSON_NODE_HOLDS_ARRAY (accounts_node))
    {
      *reason = g_strdup (_("it has no list of accounts"));
      return FALSE;
    }

  array = json_node_get_array (accounts_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(BpAccount) account = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          *reason = g_strdup_printf (_("account %u is not a JSON object"), i + 1);
          return FALSE;
        }

      account = bp_account_new_from_json (json_node_get_object (element), &error);
      if (account == NULL)
        {
          *reason = g_strdup_printf (_("account %u: %s"), i + 1, error->message);
          return FALSE;
        }

      if (!g_hash_table_add (ids, (gpointer) bp_account_get_id (account)))
        {
          *reason = g_strdup_printf (_("account %u has the same id as an earlier one"), i + 1);
          return FALSE;
        }

      g_ptr_array_add (accounts, g_steal_pointer (&account));
    }

  return TRUE;
}

/* At most one default account per type: a file edited by hand may say
 * otherwise; the first one wins, and the next save writes it so. */
static void
enforce_one_default_per_type (GPtrArray *accounts)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (accounts, i);
      GType type = G_OBJECT_TYPE (account);

      if (!bp_account_get_is_default (account))
        continue;

      if (g_hash_table_contains (seen, GSIZE_TO_POINTER (type)))
        bp_account_set_is_default (account, FALSE);
      else
        g_hash_table_add (seen, GSIZE_TO_POINTER (type));
    }
}

/* The top-level members beside the accounts, so what a newer version wrote
 * there survives a save. Keeping the whole parsed document instead would hold
 * every account a second time (some 30 MB for 10,000 accounts). */
static JsonObject *
copy_other_members (JsonObject *root)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, root);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      if (!g_str_equal (name, "accounts"))
        json_object_set_member (copy, name, json_node_copy (node));
    }

  return copy;
}

/* Reading the usual file an account at a time (docs/performance.md).
 *
 * json-glib builds the whole document before anything can be taken from it:
 * for 10,000 accounts some 30 MB of nodes beside the accounts made from them,
 * and the time to free them. When the file has the shape this version
 * writes (a top-level object whose "accounts" member is an array of
 * objects), the scanner below only finds where each account's object
 * starts and ends; json-glib then parses each one on its own, and the rest
 * of the document with an empty array in its place. Whatever the scanner is
 * not sure about, and any error at all, sends the caller back to parsing the
 * whole document, so a damaged file is judged and reported as before. */

static const char *
skip_white_space (const char *p,
                  const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;

  return p;
}

/* The end of the string, object or array at @p; %NULL when there is none.
 * Only quotes and brackets are looked at: json-glib checks the rest. The
 * file is valid UTF-8 without NUL bytes, and NUL-terminated. */
static const char *
skip_structure (const char *p,
                const char *end)
{
  int depth = 0;

  do
    {
      if (p >= end)
        return NULL;

      switch (*p)
        {
        case '"':
          for (p++; ; p++)
            {
              p += strcspn (p, "\"\\");
              if (p >= end)
                return NULL;
              if (*p == '"')
                break;
              /* The escaped character; a backslash at the very end escapes
               * the terminating NUL, and strcspn() must not run past it
               * (found by tests/fuzz/fuzz-account-store). */
              if (++p >= end)
                return NULL;
            }
          p++;
          break;

        case '{':
        case '[':
          depth++;
          p++;
          break;

        case '}':
        case ']':
          if (depth == 0)
            return NULL;
          depth--;
          p++;
          break;

        default:
          /* A number or a literal is only expected inside. */
          if (depth == 0)
            return NULL;
          p++;
        }
    }
  while (depth > 0);

  return p;
}

/* Finds the "accounts" array of the top-level object: where it starts and
 * ends, and where each of its objects does. */
static gboolean
scan_store (const char *contents,
            gsize       length,
            const char **array_start,
            const char **array_end,
            GArray      *elements)
{
  const char *end = contents + length;
  const char *p = skip_white_space (contents, end);

  *array_start = NULL;
  *array_end = NULL;
  if (p >= end || *p++ != '{')
    return FALSE;

  for (p = skip_white_space (p, end); p < end && *p != '}'; )
    {
      const char *key = p;
      const char *key_end = skip_structure (p, end);
      gboolean is_accounts;

      /* A plain key, without escapes. */
      if (*key != '"' || key_end == NULL || memchr (key, '\\', key_end - key) != NULL)
        return FALSE;
      is_accounts = key_end - key == strlen ("\"accounts\"") && memcmp (key, "\"accounts\"", key_end - key) == 0;

      p = skip_white_space (key_end, end);
      if (p >= end || *p++ != ':')
        return FALSE;
      p = skip_white_space (p, end);
      if (p >= end)
        return FALSE;

      if (is_accounts)
        {
          if (*array_start != NULL || *p != '[')
            return FALSE;
          *array_start = p;

          for (p = skip_white_space (p + 1, end); p < end && *p != ']'; )
            {
              const char *element_end;
              const char *range[2];

              if (*p != '{' || (element_end = skip_structure (p, end)) == NULL)
                return FALSE;
              range[0] = p;
              range[1] = element_end;
              g_array_append_vals (elements, range, 2);

              p = skip_white_space (element_end, end);
              if (p < end && *p == ',')
                p = skip_white_space (p + 1, end);
              else if (p >= end || *p != ']')
                return FALSE;
            }
          if (p >= end)
            return FALSE;
          *array_end = ++p;
        }
      else if (*p == '"' || *p == '{' || *p == '[')
        {
          if ((p = skip_structure (p, end)) == NULL)
            return FALSE;
        }
      else
        {
          /* A number or a literal: up to what follows it. */
          while (p < end && strchr (",} \t\r\n", *p) == NULL)
            p++;
        }

      p = skip_white_space (p, end);
      if (p < end && *p == ',')
        p = skip_white_space (p + 1, end);
      else if (p >= end || *p != '}')
        return FALSE;
    }

  if (p >= end || *array_start == NULL)
    return FALSE;

  return skip_white_space (p + 1, end) == end;
}

/* On success @parser holds the document with an empty "accounts" array and
 * @accounts the accounts, in order; on failure @accounts is left empty. */
static gboolean
load_accounts_one_by_one (JsonParser *parser,
                          const char *contents,
                          gsize       length,
                          GPtrArray  *accounts)
{
  g_autoptr(GArray) elements = g_array_new (FALSE, FALSE, sizeof (const char *));
  g_autoptr(GString) rest = NULL;
  g_autoptr(JsonParser) element_parser = NULL;
  g_autoptr(GHashTable) ids = NULL;
  const char *array_start;
  const char *array_end;
  JsonNode *version;

  if (!scan_store (contents, length, &array_start, &array_end, elements))
    return FALSE;

  rest = g_string_new_len (contents, array_start - contents);
  g_string_append (rest, "[]");
  g_string_append_len (rest, array_end, contents + length - array_end);
  /* bp_json_parser_load() here too: the scanner only follows quotes and
   * brackets, and json-glib reads comments that could hide one. */
  if (!bp_json_parser_load (parser, rest->str, rest->len, NULL))
    return FALSE;

  /* Accounts are only read in a format this version knows (parse_accounts()
   * judges the version the same way for both documents). */
  version = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) < 1 || json_node_get_int (version) > BP_ACCOUNT_STORE_FORMAT_VERSION)
    return TRUE;

  element_parser = json_parser_new_immutable ();
  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < elements->len; i += 2)
    {
      const char *start = g_array_index (elements, const char *, i);
      const char *element_end = g_array_index (elements, const char *, i + 1);
      BpAccount *account;

      if (!bp_json_parser_load (element_parser, start, element_end - start, NULL)
          || (account = bp_account_new_from_json (json_node_get_object (json_parser_get_root (element_parser)),
                                                  NULL)) == NULL)
        break;

      g_ptr_array_add (accounts, account);
      if (!g_hash_table_add (ids, (gpointer) bp_account_get_id (account)))
        break;
    }

  if (accounts->len * 2 == elements->len && g_hash_table_size (ids) == accounts->len)
    return TRUE;

  g_clear_pointer (&ids, g_hash_table_unref);
  g_ptr_array_set_size (accounts, 0);
  return FALSE;
}

/**
 * bp_store_contents_new_from_data:
 *
 * Judges the bytes of a store file; the part of bp_store_file_read() that
 * needs no file, so that it can be fuzzed and tested on bytes. @contents
 * is freed as soon as the documents hold their own copies, to keep the
 * peak memory of a large file down.
 */
BpStoreContents *
bp_store_contents_new_from_data (char   *contents,
                                 gsize   length,
                                 char  **reason)
{
  g_autoptr(BpStoreContents) result = g_new0 (BpStoreContents, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *owned_contents = contents;
  gboolean is_parsed;

  g_return_val_if_fail (contents != NULL, NULL);
  g_return_val_if_fail (contents[length] == '\0', NULL);
  g_return_val_if_fail (reason != NULL && *reason == NULL, NULL);

  bp_account_types_ensure ();
  result->accounts = g_ptr_array_new_with_free_func (g_object_unref);

  if (length == 0)
    {
      *reason = g_strdup (_("it is empty"));
      return NULL;
    }

  /* Also refuses NUL bytes, which the scanner below relies on. */
  if (!g_utf8_validate (owned_contents, length, NULL))
    {
      *reason = g_strdup (_("it is not text"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  is_parsed = load_accounts_one_by_one (parser, owned_contents, length, result->accounts);
  if (!is_parsed)
    {
      g_debug ("The accounts file is not in the usual shape: reading it as one document");
      is_parsed = bp_json_parser_load (parser, owned_contents, length, &local_error);
    }

  /* The documents have their own copies of what they hold. */
  g_clear_pointer (&owned_contents, g_free);

  if (!is_parsed)
    {
      /* json-glib quotes the text around the error, and a \ud800 escape in
       * it as bytes that are not UTF-8 (found by tests/fuzz/fuzz-account-store). */
      g_autofree char *message = g_utf8_make_valid (local_error->message, -1);

      *reason = g_strdup_printf (_("it is not valid JSON: %s"), message);
      return NULL;
    }

  if (!parse_accounts (json_parser_get_root (parser), result->accounts, &result->version, reason))
    return NULL;

  result->root = copy_other_members (json_node_get_object (json_parser_get_root (parser)));

  /* What a newer version wrote is not read, only kept. */
  if (result->version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    {
      g_ptr_array_set_size (result->accounts, 0);
      return g_steal_pointer (&result);
    }

  enforce_one_default_per_type (result->accounts);

  /* Made here, off the main thread: lists sort by them. */
  for (guint i = 0; i < result->accounts->len; i++)
    bp_account_get_name_sort_key (g_ptr_array_index (result->accounts, i));

  return g_steal_pointer (&result);
}

/* Reads and checks the whole file. Runs in a worker thread: it touches no
 * shared state. */
BpStoreContents *
bp_store_file_read (GFile   *file,
                    GError **error)
{
  g_autoptr(BpStoreContents) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *reason = NULL;
  char *contents = NULL;
  gsize length = 0;

  bp_account_types_ensure ();
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      result = g_new0 (BpStoreContents, 1);
      result->accounts = g_ptr_array_new_with_free_func (g_object_unref);
      result->root = json_object_new ();
      return g_steal_pointer (&result);
    }

  if (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_autofree char *path = g_file_get_path (file);

      g_set_error (error, BP_ERROR, BP_ERROR_STORE_READ,
                   _("The accounts file %s is not a regular file. Move it away and start the application again."),
                   path);
      return NULL;
    }

  g_clear_error (&local_error);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_SIZE)
    reason = g_strdup (_("it is far too large to be an accounts file"));
  else if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    reason = g_strdup_printf (_("it is not readable: %s"), local_error->message);
  else
    result = bp_store_contents_new_from_data (g_steal_pointer (&contents), length, &reason);

  if (result != NULL && result->version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    {
      g_autofree char *path = g_file_get_path (file);

      /* Do not touch what a newer version wrote; keep the store read-only. */
      g_set_error (&result->read_only_error, BP_ERROR, BP_ERROR_STORE_READ,
                   _("The accounts file %s was written by a newer version of Integration Accounts "
                     "(format %lld). Update the application to change accounts."),
                   path, (long long) result->version);
      g_set_error_literal (error, BP_ERROR, BP_ERROR_STORE_READ, result->read_only_error->message);
      return g_steal_pointer (&result);
    }

  if (result != NULL)
    return g_steal_pointer (&result);

  result = g_new0 (BpStoreContents, 1);
  result->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  result->root = json_object_new ();
  g_clear_error (&local_error);
  report_corrupt_file (file, reason, &local_error);

  /* A file we could not move away must not be overwritten either. */
  if (g_error_matches (local_error, BP_ERROR, BP_ERROR_STORE_READ))
    result->read_only_error = g_error_copy (local_error);

  g_propagate_error (error, g_steal_pointer (&local_error));
  return g_steal_pointer (&result);
}
