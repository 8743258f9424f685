/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-listing"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bp-account-listing.h"
#include "bp-certificate.h"
#include "bp-salesforce-account.h"
#include "bp-text-table.h"

enum {
  COLUMN_NAME,
  COLUMN_TYPE,
  COLUMN_DEFAULT,
  COLUMN_URL,
  COLUMN_SANDBOX,
  COLUMN_TOKEN,
  COLUMN_CERTIFICATE,
  N_COLUMNS
};

/* What the listing says about an account's identity provider certificate. */
typedef struct
{
  const char *status;       /* the JSON "certificate-status" */
  GDateTime  *expires_at;   /* owned; NULL when there is none or it is unreadable */
  gint64      days_left;
} CertificateInfo;

static void
certificate_info_clear (CertificateInfo *info)
{
  g_clear_pointer (&info->expires_at, g_date_time_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CertificateInfo, certificate_info_clear)

static void
get_certificate_info (BpAccount       *account,
                      GDateTime       *now,
                      CertificateInfo *info)
{
  g_autoptr(BpCertificate) certificate = NULL;
  const char *pem;

  info->status = "none";
  info->expires_at = NULL;
  info->days_left = 0;

  if (!BP_IS_SALESFORCE_ACCOUNT (account))
    return;

  pem = bp_salesforce_account_get_idp_certificate (BP_SALESFORCE_ACCOUNT (account));
  if (pem == NULL || *pem == '\0')
    return;

  certificate = bp_certificate_new_from_text (pem, BP_CERTIFICATE_PARSE_FIRST_ONLY, NULL);
  if (certificate == NULL)
    {
      info->status = "unreadable";
      return;
    }

  info->expires_at = g_date_time_ref (bp_certificate_get_not_after (certificate));
  info->days_left = bp_certificate_get_days_left (certificate, now);

  switch (bp_certificate_get_validity (certificate, now))
    {
    case BP_CERTIFICATE_VALIDITY_EXPIRED:
      info->status = "expired";
      break;

    case BP_CERTIFICATE_VALIDITY_EXPIRING_SOON:
      info->status = "expiring-soon";
      break;

    case BP_CERTIFICATE_VALIDITY_NOT_YET_VALID:
      info->status = "not-yet-valid";
      break;

    case BP_CERTIFICATE_VALIDITY_VALID:
    default:
      info->status = "valid";
      break;
    }
}

static char *
format_date (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%d");
}

static char *
format_timestamp (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
describe_certificate (const CertificateInfo *info)
{
  g_autofree char *date = NULL;

  if (g_str_equal (info->status, "none"))
    return g_strdup ("—");
  if (g_str_equal (info->status, "unreadable"))
    return g_strdup (_("unreadable"));

  date = format_date (info->expires_at);
  if (g_str_equal (info->status, "expired"))
    return g_strdup_printf (_("%s (expired)"), date);
  if (g_str_equal (info->status, "expiring-soon"))
    return g_strdup_printf (ngettext ("%s (in %d day)", "%s (in %d days)", (gulong) info->days_left),
                            date, (int) info->days_left);
  if (g_str_equal (info->status, "not-yet-valid"))
    return g_strdup_printf (_("%s (not yet valid)"), date);

  return g_steal_pointer (&date);
}

static const char *
describe_token (BpTokenState state)
{
  switch (state)
    {
    case BP_TOKEN_STATE_VALID:
      return _("Authorized");
    case BP_TOKEN_STATE_NEEDS_NEW_TOKEN:
      return _("Needs new token");
    case BP_TOKEN_STATE_NONE:
    default:
      return _("Not set");
    }
}

static const char *
token_state_nick (BpTokenState state)
{
  switch (state)
    {
    case BP_TOKEN_STATE_VALID:
      return "valid";
    case BP_TOKEN_STATE_NEEDS_NEW_TOKEN:
      return "needs-new-token";
    case BP_TOKEN_STATE_NONE:
    default:
      return "none";
    }
}

char *
bp_account_listing_to_text (GListModel *accounts,
                            GDateTime  *now)
{
  g_autoptr(BpTextTable) table = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  guint n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (accounts), NULL);

  n_items = g_list_model_get_n_items (accounts);
  if (n_items == 0)
    return g_strdup_printf ("%s\n", _("There are no integration accounts."));

  /* local_now only owns the new one, for g_autoptr to free: scan-build 14 calls
   * this a dead store (see build-aux/analyze). */
  if (now == NULL)
    now = local_now = g_date_time_new_now_utc ();

  table = bp_text_table_new (N_COLUMNS);
  bp_text_table_set_column (table, COLUMN_NAME, _("Name"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_TYPE, _("Type"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_DEFAULT, _("Default"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_URL, _("Url"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_SANDBOX, _("Sandbox"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_TOKEN, _("Token"), BP_TEXT_ALIGN_START);
  bp_text_table_set_column (table, COLUMN_CERTIFICATE, _("Certificate expires"), BP_TEXT_ALIGN_START);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (accounts, i);
      g_auto(CertificateInfo) certificate = { NULL, };
      g_autofree char *certificate_text = NULL;
      const char *cells[N_COLUMNS] = { NULL, };

      get_certificate_info (account, now, &certificate);
      certificate_text = describe_certificate (&certificate);

      cells[COLUMN_NAME] = bp_account_get_name (account);
      cells[COLUMN_TYPE] = bp_account_get_type_name (account);
      cells[COLUMN_DEFAULT] = bp_account_get_is_default (account) ? _("yes") : _("no");
      cells[COLUMN_CERTIFICATE] = certificate_text;

      if (BP_IS_SALESFORCE_ACCOUNT (account))
        {
          BpSalesforceAccount *salesforce = BP_SALESFORCE_ACCOUNT (account);
          const char *url = bp_salesforce_account_get_url (salesforce);

          cells[COLUMN_URL] = (url != NULL && *url != '\0') ? url : "—";
          cells[COLUMN_SANDBOX] = bp_salesforce_account_get_sandbox (salesforce) ? _("yes") : _("no");
          cells[COLUMN_TOKEN] = describe_token (bp_salesforce_account_get_token_state (salesforce));
        }

      bp_text_table_add_row (table, cells);
    }

  return bp_text_table_to_string (table);
}

static void
set_nullable_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static void
set_nullable_time (JsonObject *object,
                   const char *member,
                   GDateTime  *value)
{
  g_autofree char *text = value != NULL ? format_timestamp (value) : NULL;

  set_nullable_string (object, member, text);
}

static JsonObject *
account_to_json (BpAccount *account,
                 GDateTime *now)
{
  JsonObject *object = json_object_new ();
  g_auto(CertificateInfo) certificate = { NULL, };

  json_object_set_string_member (object, "id", bp_account_get_id (account));
  json_object_set_string_member (object, "name", bp_account_get_name (account));
  json_object_set_string_member (object, "type", bp_account_get_type_id (account));
  json_object_set_string_member (object, "type-name", bp_account_get_type_name (account));
  json_object_set_boolean_member (object, "default", bp_account_get_is_default (account));

  if (BP_IS_SALESFORCE_ACCOUNT (account))
    {
      BpSalesforceAccount *salesforce = BP_SALESFORCE_ACCOUNT (account);
      const char *url = bp_salesforce_account_get_url (salesforce);

      json_object_set_string_member (object, "url", url != NULL ? url : "");
      json_object_set_boolean_member (object, "sandbox", bp_salesforce_account_get_sandbox (salesforce));
      json_object_set_string_member (object, "token-state",
                                     token_state_nick (bp_salesforce_account_get_token_state (salesforce)));
      set_nullable_time (object, "token-issued-at", bp_salesforce_account_get_token_issued_at (salesforce));
      set_nullable_string (object, "authorized-user", bp_salesforce_account_get_authorized_user (salesforce));
    }

  get_certificate_info (account, now, &certificate);
  json_object_set_string_member (object, "certificate-status", certificate.status);
  set_nullable_time (object, "certificate-expires-at", certificate.expires_at);

  return object;
}

char *
bp_account_listing_to_json (GListModel *accounts,
                            GDateTime  *now)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GDateTime) local_now = NULL;
  g_autofree char *text = NULL;
  JsonArray *array;
  guint n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (accounts), NULL);

  /* local_now only owns the new one, for g_autoptr to free: scan-build 14 calls
   * this a dead store (see build-aux/analyze). */
  if (now == NULL)
    now = local_now = g_date_time_new_now_utc ();

  n_items = g_list_model_get_n_items (accounts);
  array = json_array_sized_new (n_items);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (accounts, i);

      json_array_add_object_element (array, account_to_json (account, now));
    }
  json_object_set_array_member (root, "accounts", array);

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}
