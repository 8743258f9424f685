/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-account-store"

#include "config.h"

#include <json-glib/json-glib.h>

#include "bp-account-private.h"
#include "bp-account-store-private.h"
#include "bp-json.h"
#include "bp-json-members.h"
#include "bp-fuzz.h"

/* The store loader on bytes: what bp_store_file_read() does with the
 * contents of accounts.json, without a file (bp_store_contents_new_from_data()).
 * Besides not crashing, every account it accepts must be written back the
 * way the next save writes it, and that must load again to the same JSON:
 * otherwise a save would lose what was read.
 *
 * The input is also taken as one account's object: when the store's own
 * reader reads it (bp_json_members_read_flat()), json-glib must read the
 * same members, and the account made from them must be the one made from
 * json-glib's object, or fail with the same message. */

static char *
account_to_string (BpAccount *account)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, bp_account_to_json (account));
  return json_to_string (node, FALSE);
}

static void
check_account (BpAccount *account)
{
  g_autoptr(JsonObject) object = bp_account_to_json (account);
  g_autoptr(BpAccount) again = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_again = NULL;

  g_assert_nonnull (bp_account_get_id (account));
  g_assert_nonnull (bp_account_get_name_sort_key (account));

  again = bp_account_new_from_json (object, &error);
  g_assert_no_error (error);
  written = account_to_string (account);
  written_again = account_to_string (again);
  g_assert_cmpstr (written, ==, written_again);

  problems = bp_account_validate (account, NULL);
  g_assert_nonnull (problems);
}

static void
check_flat_object (const char *text,
                   gsize       length)
{
  g_autoptr(BpJsonMembers) members = bp_json_members_new ();
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(BpAccount) from_flat = NULL;
  g_autoptr(BpAccount) from_glib = NULL;
  g_autoptr(GError) flat_error = NULL;
  g_autoptr(GError) glib_error = NULL;
  g_autofree char *flat_text = NULL;
  g_autofree char *glib_text = NULL;

  /* The reader's text is UTF-8 without NUL (the store checks the whole
   * file first): bp_json_members_read_flat() says so. */
  if (!bp_json_validate_utf8 (text, length) || !bp_json_members_read_flat (members, text, text + length))
    return;

  if (!bp_json_parser_load (parser, text, length, NULL))
    g_error ("read what bp_json_parser_load() refuses");
  /* As text: json_node_equal() takes 1 for 1.0 and ignores the order. */
  object = bp_json_members_to_object (members);
  node = json_node_init_object (json_node_alloc (), object);
  flat_text = json_to_string (node, FALSE);
  glib_text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_cmpstr (flat_text, ==, glib_text);

  from_flat = bp_account_new_from_members (members, &flat_error);
  from_glib = bp_account_new_from_json (json_node_get_object (json_parser_get_root (parser)), &glib_error);
  g_assert_cmpstr (flat_error != NULL ? flat_error->message : NULL, ==,
                   glib_error != NULL ? glib_error->message : NULL);
  if (from_flat != NULL)
    {
      g_autofree char *flat_account = account_to_string (from_flat);
      g_autofree char *glib_account = account_to_string (from_glib);

      g_assert_cmpstr (flat_account, ==, glib_account);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BpStoreContents) contents = NULL;
  g_autofree char *reason = NULL;

  bp_fuzz_init ();

  check_flat_object ((const char *) data, size);

  contents = bp_store_contents_new_from_data (bp_fuzz_dup_input (data, size), size, &reason);
  if (contents == NULL)
    {
      g_assert_nonnull (reason);
      if (!g_utf8_validate (reason, -1, NULL))
        {
          g_autofree char *escaped = g_strescape (reason, NULL);

          g_error ("The reason is not UTF-8: %s", escaped);
        }
      return 0;
    }

  g_assert_null (reason);
  g_assert_nonnull (contents->root);
  g_assert_false (json_object_has_member (contents->root, "accounts"));
  if (contents->version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    g_assert_cmpuint (contents->accounts->len, ==, 0);

  for (guint i = 0; i < contents->accounts->len; i++)
    check_account (g_ptr_array_index (contents->accounts, i));

  return 0;
}
