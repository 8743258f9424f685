/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-export"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-account-export.h"
#include "bp-error.h"
#include "bp-json.h"

/* An export of 10,000 accounts with certificates is ~25 MiB, as the store. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

/* Members that describe the account itself in the store but never travel:
 * its id (the keyring's key) and its token. Secrets are never in an
 * account's JSON object to begin with (bp_account_to_json()). */
static const char * const local_members[] = {
  "id",
  "token-state",
  "token-issued-at",
  "authorized-user",
};

static const char * const token_members[] = {
  "token-state",
  "token-issued-at",
  "authorized-user",
};

static void
remove_local_members (JsonObject *object)
{
  for (guint i = 0; i < G_N_ELEMENTS (local_members); i++)
    {
      if (json_object_has_member (object, local_members[i]))
        json_object_remove_member (object, local_members[i]);
    }
}

JsonObject *
bp_account_export_account_to_json (BpAccount *account)
{
  JsonObject *object;

  g_return_val_if_fail (BP_IS_ACCOUNT (account), NULL);

  object = bp_account_to_json (account);
  remove_local_members (object);

  return object;
}

char *
bp_account_export_write (GPtrArray *accounts,
                         GDateTime *exported_at,
                         gsize     *length)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *stamp = NULL;
  JsonArray *array;

  g_return_val_if_fail (accounts != NULL, NULL);

  /* now only owns the new one, for g_autoptr to free: scan-build 14 calls
   * this a dead store (see build-aux/analyze). */
  if (exported_at == NULL)
    exported_at = now = g_date_time_new_now_utc ();
  utc = g_date_time_to_utc (exported_at);
  stamp = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");

  array = json_array_sized_new (accounts->len);
  for (guint i = 0; i < accounts->len; i++)
    json_array_add_object_element (array, bp_account_export_account_to_json (g_ptr_array_index (accounts, i)));

  json_object_set_string_member (root, "format", BP_ACCOUNT_EXPORT_FORMAT);
  json_object_set_int_member (root, "format-version", BP_ACCOUNT_EXPORT_FORMAT_VERSION);
  json_object_set_string_member (root, "application-version", PACKAGE_VERSION);
  json_object_set_string_member (root, "exported-at", stamp);
  json_object_set_array_member (root, "accounts", array);

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  return json_generator_to_data (generator, length);
}

static gboolean
fail (GError     **error,
      const char  *format,
      ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError     **error,
      const char  *format,
      ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, BP_ERROR, BP_ERROR_NOT_AN_EXPORT,
               _("The file is not an Integration Accounts export: %s."), reason);
  return FALSE;
}

static gboolean
read_format_version (JsonObject  *root,
                     gint64      *version,
                     GError     **error)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version_node = json_object_get_member (root, "format-version");

  if (format == NULL || !JSON_NODE_HOLDS_VALUE (format)
      || json_node_get_value_type (format) != G_TYPE_STRING
      || g_strcmp0 (json_node_get_string (format), BP_ACCOUNT_EXPORT_FORMAT) != 0)
    return fail (error, _("its “format” member is not “%s”"), BP_ACCOUNT_EXPORT_FORMAT);

  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node)
      || json_node_get_value_type (version_node) != G_TYPE_INT64
      || json_node_get_int (version_node) < 1)
    return fail (error, "%s", _("its “format-version” is missing or not a whole number from 1"));

  *version = json_node_get_int (version_node);
  if (*version > BP_ACCOUNT_EXPORT_FORMAT_VERSION)
    {
      const char *by = bp_json_object_get_string (root, "application-version");

      if (by != NULL)
        g_set_error (error, BP_ERROR, BP_ERROR_EXPORT_TOO_NEW,
                     _("The file was exported by Integration Accounts %s in format version %lld; this "
                       "version (%s) reads format versions up to %d. Update Integration Accounts to "
                       "import it. Nothing was imported."),
                     by, (long long) *version, PACKAGE_VERSION, BP_ACCOUNT_EXPORT_FORMAT_VERSION);
      else
        g_set_error (error, BP_ERROR, BP_ERROR_EXPORT_TOO_NEW,
                     _("The file was exported in format version %lld; this version (%s) reads format "
                       "versions up to %d. Update Integration Accounts to import it. Nothing was imported."),
                     (long long) *version, PACKAGE_VERSION, BP_ACCOUNT_EXPORT_FORMAT_VERSION);
      return FALSE;
    }

  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  return bp_json_object_get_string (object, member);
}

static BpAccount *
read_account (JsonNode  *element,
              guint      position,
              GError   **error)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BpAccount) account = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *where = NULL;
  const char *name;
  const char *type;
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      fail (error, _("account %u is not a JSON object"), position);
      return NULL;
    }

  json_object_iter_init (&iter, json_node_get_object (element));
  while (json_object_iter_next (&iter, &member, &node))
    json_object_set_member (object, member, json_node_copy (node));

  /* Whatever the file says about ids and tokens, an imported account is new
   * and has no token. */
  remove_local_members (object);
  json_object_set_string_member (object, "id", id);

  name = get_string_member (object, "name");
  type = get_string_member (object, "type");
  if (name != NULL)
    where = g_strdup_printf (_("account %u (“%s”)"), position, name);
  else
    where = g_strdup_printf (_("account %u"), position);

  if (type == NULL)
    {
      fail (error, _("%s has no “type”"), where);
      return NULL;
    }

  if (bp_account_type_from_id (type) == G_TYPE_INVALID)
    {
      fail (error, _("%s is of the type “%s”, which this version does not know"), where, type);
      return NULL;
    }

  account = bp_account_new_from_json (object, &local_error);
  if (account == NULL)
    {
      /* Its message starts with the id we just made up: say where the
       * account is in the file instead. */
      g_autofree char *prefix = g_strdup_printf (_("Account %s: "), id);
      const char *reason = local_error->message;

      if (g_str_has_prefix (reason, prefix))
        reason += strlen (prefix);

      fail (error, "%s: %s", where, reason);
      return NULL;
    }

  return g_steal_pointer (&account);
}

GPtrArray *
bp_account_export_read (const char  *data,
                        gsize        length,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  JsonNode *root_node;
  JsonObject *root;
  JsonNode *accounts_node;
  JsonArray *array;
  gint64 version = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bp_account_types_ensure ();

  if (length > MAX_FILE_SIZE)
    {
      fail (error, "%s", _("it is far too large"));
      return NULL;
    }

  if (length == 0)
    {
      fail (error, "%s", _("it is empty"));
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL))
    {
      fail (error, "%s", _("it is not text"));
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!bp_json_parser_load (parser, data, length, &local_error))
    {
      /* json-glib may quote a \ud800 escape as bytes that are not UTF-8. */
      g_autofree char *message = g_utf8_make_valid (local_error->message, -1);

      fail (error, _("it is not valid JSON (%s)"), message);
      return NULL;
    }

  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      fail (error, "%s", _("it does not contain a JSON object"));
      return NULL;
    }

  root = json_node_get_object (root_node);

  /* The version first: a newer file may be shaped differently, and then the
   * one useful thing to say is "update the application". */
  if (!read_format_version (root, &version, error))
    return NULL;

  accounts_node = json_object_get_member (root, "accounts");
  if (accounts_node == NULL || !JSON_NODE_HOLDS_ARRAY (accounts_node))
    {
      fail (error, "%s", _("it has no list of accounts"));
      return NULL;
    }

  array = json_node_get_array (accounts_node);
  accounts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      BpAccount *account = read_account (json_array_get_element (array, i), i + 1, error);

      if (account == NULL)
        return NULL;

      g_ptr_array_add (accounts, account);
    }

  return g_steal_pointer (&accounts);
}

BpAccount *
bp_account_export_make_replacement (BpAccount  *imported,
                                    BpAccount  *saved,
                                    GError    **error)
{
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonObject) saved_object = NULL;

  g_return_val_if_fail (BP_IS_ACCOUNT (imported), NULL);
  g_return_val_if_fail (BP_IS_ACCOUNT (saved), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = bp_account_export_account_to_json (imported);
  saved_object = bp_account_to_json (saved);

  json_object_set_string_member (object, "id", bp_account_get_id (saved));
  for (guint i = 0; i < G_N_ELEMENTS (token_members); i++)
    {
      JsonNode *node = json_object_get_member (saved_object, token_members[i]);

      if (node != NULL)
        json_object_set_member (object, token_members[i], json_node_copy (node));
    }

  return bp_account_new_from_json (object, error);
}
