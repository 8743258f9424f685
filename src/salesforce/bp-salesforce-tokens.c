/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-tokens"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "bp-error.h"
#include "bp-json.h"
#include "bp-salesforce-client.h"
#include "bp-salesforce-response.h"
#include "bp-salesforce-tokens.h"
#include "bp-secret-store.h"

struct _BpSalesforceTokens
{
  GObject    parent_instance;

  char      *access_token;
  char      *refresh_token;
  char      *instance_url;
  char      *identity_url;
  char      *organization_id;
  char      *user_id;
  char      *scope;
  GDateTime *issued_at;
  char      *username;
};

G_DEFINE_FINAL_TYPE (BpSalesforceTokens, bp_salesforce_tokens, G_TYPE_OBJECT)

static void
bp_salesforce_tokens_finalize (GObject *object)
{
  BpSalesforceTokens *self = BP_SALESFORCE_TOKENS (object);

  bp_secret_free (self->access_token);
  bp_secret_free (self->refresh_token);
  g_free (self->instance_url);
  g_free (self->identity_url);
  g_free (self->organization_id);
  g_free (self->user_id);
  g_free (self->scope);
  g_clear_pointer (&self->issued_at, g_date_time_unref);
  g_free (self->username);

  G_OBJECT_CLASS (bp_salesforce_tokens_parent_class)->finalize (object);
}

static void
bp_salesforce_tokens_class_init (BpSalesforceTokensClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bp_salesforce_tokens_finalize;
}

static void
bp_salesforce_tokens_init (BpSalesforceTokens *self)
{
}

GDateTime *
bp_salesforce_parse_issued_at (const char *milliseconds)
{
  g_autoptr(GDateTime) seconds = NULL;
  guint64 value;

  if (milliseconds == NULL)
    return NULL;

  /* Up to the year 9999. */
  if (!g_ascii_string_to_unsigned (milliseconds, 10, 0, G_GUINT64_CONSTANT (253402300799999), &value, NULL))
    return NULL;

  seconds = g_date_time_new_from_unix_utc ((gint64) (value / 1000));
  if (seconds == NULL)
    return NULL;

  return g_date_time_add (seconds, (GTimeSpan) (value % 1000) * G_TIME_SPAN_MILLISECOND);
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  return bp_json_object_get_string (object, name);
}

static GDateTime *
get_issued_at (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "issued_at");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return bp_salesforce_parse_issued_at (json_node_get_string (node));

  if (json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

      return bp_salesforce_parse_issued_at (text);
    }

  return NULL;
}

/* `https://login.salesforce.com/id/<orgId>/<userId>` */
static void
parse_identity_url (BpSalesforceTokens *self)
{
  g_autoptr(GUri) uri = NULL;
  g_auto(GStrv) segments = NULL;
  guint n;

  if (self->identity_url == NULL)
    return;

  uri = g_uri_parse (self->identity_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return;

  segments = g_strsplit (g_uri_get_path (uri), "/", -1);
  n = g_strv_length (segments);
  if (n >= 4 && strcmp (segments[n - 3], "id") == 0
      && *segments[n - 2] != '\0' && *segments[n - 1] != '\0')
    {
      self->organization_id = g_strdup (segments[n - 2]);
      self->user_id = g_strdup (segments[n - 1]);
    }
}

BpSalesforceTokens *
bp_salesforce_tokens_new_from_response (const char  *body,
                                        gssize       length,
                                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(BpSalesforceTokens) self = NULL;
  g_autoptr(GError) url_error = NULL;
  JsonObject *object;
  JsonNode *root;
  const char *access_token;
  const char *refresh_token;
  const char *instance_url;
  const char *error_code;

  g_return_val_if_fail (body != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (body);

  parser = json_parser_new_immutable ();
  if (length == 0 || !bp_json_parser_load (parser, body, length, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce's token response could not be read (not a JSON object); it may "
                             "have been cut off on the way. Please try again; if it keeps happening, "
                             "check the Url and any proxy settings."));
      return NULL;
    }

  object = json_node_get_object (root);

  error_code = get_string_member (object, "error");
  if (error_code != NULL && *error_code != '\0')
    {
      g_propagate_error (error, bp_salesforce_error_new_oauth (BP_SALESFORCE_REQUEST_REFRESH, error_code,
                                                               get_string_member (object, "error_description"),
                                                               NULL));
      return NULL;
    }

  access_token = get_string_member (object, "access_token");
  if (access_token == NULL || *access_token == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce's token response has no access token."));
      return NULL;
    }

  instance_url = get_string_member (object, "instance_url");
  if (instance_url == NULL || *instance_url == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_SALESFORCE,
                           _("Salesforce's token response has no instance URL."));
      return NULL;
    }

  if (!bp_salesforce_check_url (instance_url, &url_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&url_error),
                                  _("Salesforce's token response has an unusable instance URL: "));
      return NULL;
    }

  self = g_object_new (BP_TYPE_SALESFORCE_TOKENS, NULL);
  self->access_token = g_strdup (access_token);
  refresh_token = get_string_member (object, "refresh_token");
  if (refresh_token != NULL && *refresh_token != '\0')
    self->refresh_token = g_strdup (refresh_token);
  self->instance_url = g_strdup (instance_url);
  self->identity_url = g_strdup (get_string_member (object, "id"));
  self->scope = g_strdup (get_string_member (object, "scope"));
  self->issued_at = get_issued_at (object);
  if (self->issued_at == NULL)
    self->issued_at = g_date_time_new_now_utc ();
  parse_identity_url (self);

  return g_steal_pointer (&self);
}

BpSalesforceTokens *
bp_salesforce_tokens_copy_without_refresh_token (BpSalesforceTokens *self)
{
  BpSalesforceTokens *copy;

  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);

  copy = g_object_new (BP_TYPE_SALESFORCE_TOKENS, NULL);
  copy->access_token = g_strdup (self->access_token);
  copy->instance_url = g_strdup (self->instance_url);
  copy->identity_url = g_strdup (self->identity_url);
  copy->organization_id = g_strdup (self->organization_id);
  copy->user_id = g_strdup (self->user_id);
  copy->scope = g_strdup (self->scope);
  copy->issued_at = g_date_time_ref (self->issued_at);
  copy->username = g_strdup (self->username);

  return copy;
}

const char *
bp_salesforce_tokens_get_access_token (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->access_token;
}

const char *
bp_salesforce_tokens_get_refresh_token (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->refresh_token;
}

const char *
bp_salesforce_tokens_get_instance_url (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->instance_url;
}

const char *
bp_salesforce_tokens_get_identity_url (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->identity_url;
}

const char *
bp_salesforce_tokens_get_organization_id (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->organization_id;
}

const char *
bp_salesforce_tokens_get_user_id (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->user_id;
}

const char *
bp_salesforce_tokens_get_scope (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->scope;
}

GDateTime *
bp_salesforce_tokens_get_issued_at (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->issued_at;
}

const char *
bp_salesforce_tokens_get_username (BpSalesforceTokens *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_TOKENS (self), NULL);
  return self->username;
}

void
bp_salesforce_tokens_set_username (BpSalesforceTokens *self,
                                   const char         *username)
{
  g_return_if_fail (BP_IS_SALESFORCE_TOKENS (self));

  g_free (self->username);
  self->username = g_strdup (username);
}
