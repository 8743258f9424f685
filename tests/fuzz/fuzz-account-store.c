/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-account-store"

#include "config.h"

#include <json-glib/json-glib.h>

#include "bp-account-store-private.h"
#include "bp-fuzz.h"

/* The store loader on bytes: what bp_store_file_read() does with the
 * contents of accounts.json, without a file (bp_store_contents_new_from_data()).
 * Besides not crashing, every account it accepts must be written back the
 * way the next save writes it, and that must load again to the same JSON:
 * otherwise a save would lose what was read. */

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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(BpStoreContents) contents = NULL;
  g_autofree char *reason = NULL;

  bp_fuzz_init ();

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
