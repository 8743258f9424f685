/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-salesforce-account"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-account-private.h"
#include "bp-certificate.h"
#include "bp-error.h"
#include "bp-salesforce-account.h"

/**
 * BpSalesforceAccount:
 *
 * A Salesforce.com integration account: the properties of the vendor's
 * Properties pane (Basic, Data Access from Scenarios, Single Sign-on) and the
 * state of its refresh token. The consumer secret and the refresh token are
 * secrets of the base class (held in memory, persisted only in the keyring);
 * the "consumer-secret" property reads and writes the secret of that kind.
 *
 * String setters store the text as typed (%NULL is ""), so an entry bound to a
 * property never fights the cursor. The Url is normalised by
 * bp_salesforce_normalize_url() where it matters: in validation, in
 * bp_account_applied_over() and when written to the store file.
 */
struct _BpSalesforceAccount
{
  BpAccount     parent_instance;

  char         *url;
  /* bp_salesforce_normalize_url() of url for the store file, or NULL when
   * it is not valid; made once per Url (a save writes every account). */
  char         *written_url;
  gboolean      has_written_url;
  gboolean      sandbox;
  char         *consumer_key;
  BpTokenState  token_state;
  GDateTime    *token_issued_at;
  char         *authorized_user;
  char         *idp_certificate;
  char         *idp_login_url;
};

G_DEFINE_FINAL_TYPE (BpSalesforceAccount, bp_salesforce_account, BP_TYPE_ACCOUNT)

G_DEFINE_ENUM_TYPE (BpTokenState, bp_token_state,
                    G_DEFINE_ENUM_VALUE (BP_TOKEN_STATE_NONE, "none"),
                    G_DEFINE_ENUM_VALUE (BP_TOKEN_STATE_VALID, "valid"),
                    G_DEFINE_ENUM_VALUE (BP_TOKEN_STATE_NEEDS_NEW_TOKEN, "needs-new-token"))

enum {
  PROP_0,
  PROP_URL,
  PROP_SANDBOX,
  PROP_CONSUMER_KEY,
  PROP_CONSUMER_SECRET,
  PROP_TOKEN_STATE,
  PROP_TOKEN_ISSUED_AT,
  PROP_AUTHORIZED_USER,
  PROP_IDP_CERTIFICATE,
  PROP_IDP_LOGIN_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const secret_kinds[] = {
  BP_SECRET_KIND_CONSUMER_SECRET,
  BP_SECRET_KIND_REFRESH_TOKEN,
  NULL
};

/* Hosts of a Salesforce My Domain login. ".my.salesforce.com" also covers the
 * enhanced-domain partitions: .sandbox., .develop., .scratch., .demo.,
 * .trailblaze., .patch. and .free.my.salesforce.com. */
static const char * const my_domain_suffixes[] = {
  ".my.salesforce.com",
  ".my.salesforce.mil",     /* Government Cloud Plus – Defense */
  ".my.sfcrmproducts.cn",   /* Salesforce on Alibaba Cloud (China) */
  NULL
};

/* Addresses people copy from the browser that are not the login host, and the
 * suffix of the My Domain that belongs to them. */
static const struct {
  const char *suffix;
  const char *my_domain_suffix;
} not_login_suffixes[] = {
  { ".lightning.force.com", ".my.salesforce.com" },
  { ".my.salesforce-setup.com", ".my.salesforce.com" },
};

#define PRODUCTION_LOGIN_HOST "login.salesforce.com"
#define SANDBOX_LOGIN_HOST    "test.salesforce.com"

/* Helpers */

/* Gives @field @value, which it then owns; %NULL is the empty text. */
static void
take_string (char **field,
             char  *value)
{
  g_free (*field);
  *field = value != NULL ? value : g_strdup ("");
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value == NULL)
    value = "";

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
has_white_space (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isspace (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

/* @host ends with @suffix (which starts with a dot) and has a label before it. */
static gboolean
host_has_suffix (const char *host,
                 const char *suffix)
{
  return strlen (host) > strlen (suffix) && g_str_has_suffix (host, suffix);
}

static gboolean
is_my_domain_host (const char *host)
{
  for (guint i = 0; my_domain_suffixes[i] != NULL; i++)
    {
      if (host_has_suffix (host, my_domain_suffixes[i]))
        return TRUE;
    }

  return FALSE;
}

/* Lower-case ASCII (IDN hosts are already punycode from GUri), without a
 * final dot; %NULL when it is not a host name or an IP address. */
static char *
normalize_host (const char *host)
{
  g_autofree char *lower = NULL;
  gsize length;

  if (host == NULL || *host == '\0')
    return NULL;

  /* An IPv6 zone ("fe80::1%eth0") names an interface of one machine, and
   * once decoded it does not read back as a Url (found by tests/fuzz/fuzz-url). */
  if (strchr (host, '%') != NULL)
    return NULL;

  if (g_hostname_is_ip_address (host))
    return g_ascii_strdown (host, -1);

  lower = g_ascii_strdown (host, -1);

  /* Checked before the final dot goes: "ae.." is no host, and without its
   * last dot "ae." would normalise again to "ae" (found by tests/fuzz/fuzz-url). */
  if (strstr (lower, "..") != NULL)
    return NULL;

  length = strlen (lower);
  if (length > 1 && lower[length - 1] == '.')
    lower[--length] = '\0';

  if (lower[0] == '.' || lower[0] == '-')
    return NULL;

  for (const char *p = lower; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
        return NULL;
    }

  return g_steal_pointer (&lower);
}

/* The host of a Url that bp_salesforce_normalize_url() accepted; "" if empty. */
static char *
get_normalized_host (const char *url)
{
  g_autofree char *normalized = bp_salesforce_normalize_url (url, NULL);
  g_autoptr(GUri) uri = NULL;

  if (normalized == NULL || *normalized == '\0')
    return NULL;

  uri = g_uri_parse (normalized, G_URI_FLAGS_ENCODED, NULL);
  g_assert (uri != NULL);

  return g_strdup (g_uri_get_host (uri));
}

static gboolean
is_same_url (const char *a,
             const char *b)
{
  g_autofree char *normalized_a = bp_salesforce_normalize_url (a, NULL);
  g_autofree char *normalized_b = bp_salesforce_normalize_url (b, NULL);

  if (normalized_a == NULL || normalized_b == NULL)
    {
      g_autofree char *stripped_a = bp_account_strip_text (a);
      g_autofree char *stripped_b = bp_account_strip_text (b);

      return g_str_equal (stripped_a, stripped_b);
    }

  return g_str_equal (normalized_a, normalized_b);
}

static gboolean
has_token (BpSalesforceAccount *self)
{
  return self->token_state == BP_TOKEN_STATE_VALID
         || self->token_state == BP_TOKEN_STATE_NEEDS_NEW_TOKEN;
}

/**
 * bp_salesforce_normalize_url:
 * @text: the Url as typed
 *
 * Checks the Url field and returns it normalised: surrounding white space
 * removed, `https://`, the host in lower case without a final dot, the port
 * only when it is not 443, the path with exactly one trailing slash
 * ("https://acme.my.salesforce.com/"). An empty @text is allowed (the login
 * host is then login.salesforce.com or test.salesforce.com) and gives "".
 *
 * Fails with BP_ERROR_INVALID_URL and a message that says how to fix it when
 * the text has spaces, no or another scheme than https, no host, a user name
 * or password, a query or a fragment.
 *
 * Returns: (transfer full) (nullable): the normalised Url, or %NULL
 */
char *
bp_salesforce_normalize_url (const char  *text,
                             GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GString) path = NULL;
  const char *separator;
  int port;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stripped = bp_account_strip_text (text);
  if (*stripped == '\0')
    return g_strdup ("");

  if (has_white_space (stripped))
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("The Url must not contain spaces."));
      return NULL;
    }

  separator = strstr (stripped, "://");
  if (separator == NULL)
    {
      const char *rest = stripped;

      while (*rest == '/')
        rest++;

      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("The Url must start with https://. Did you mean https://%s?"), rest);
      return NULL;
    }

  scheme = g_ascii_strdown (stripped, separator - stripped);
  if (g_str_equal (scheme, "http"))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("Salesforce accepts only secure connections: the Url must start "
                     "with https://, not http://. Did you mean https://%s?"),
                   separator + strlen ("://"));
      return NULL;
    }

  if (!g_str_equal (scheme, "https"))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("The Url must start with https://, not %s://."), scheme);
      return NULL;
    }

  uri = g_uri_parse (stripped, G_URI_FLAGS_ENCODED, &parse_error);
  if (uri == NULL)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("The Url is not a valid address: %s"), parse_error->message);
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("The Url has no host name. "
                             "It looks like https://your-domain.my.salesforce.com/."));
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("The Url must not contain a user name or password "
                             "(the part before “@”)."));
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("The Url must not contain a query (the part from “?”)."));
      return NULL;
    }

  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID_URL,
                           _("The Url must not contain a fragment (the part from “#”)."));
      return NULL;
    }

  host = normalize_host (g_uri_get_host (uri));
  if (host == NULL)
    {
      /* GLib decodes an IP literal's host even when asked to keep the Url
       * encoded: "[::%84]" gives a byte that is not UTF-8, and the message
       * goes into a label (found by tests/fuzz/fuzz-url). */
      g_autofree char *shown = g_utf8_make_valid (g_uri_get_host (uri), -1);

      g_set_error (error, BP_ERROR, BP_ERROR_INVALID_URL,
                   _("“%s” is not a valid host name."), shown);
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port == 443)
    port = -1;

  path = g_string_new (g_uri_get_path (uri));
  while (path->len > 0 && path->str[path->len - 1] == '/')
    g_string_truncate (path, path->len - 1);
  g_string_append_c (path, '/');

  return g_uri_join (G_URI_FLAGS_ENCODED, "https", NULL, host, port, path->str, NULL, NULL);
}

/**
 * bp_salesforce_check_can_request_token:
 *
 * Whether Request token can start: the Consumer key is set and the Url, when
 * set, is valid. Fails with BP_ERROR_INVALID (no Consumer key) or
 * BP_ERROR_INVALID_URL (the Url's own message, prefixed).
 */
gboolean
bp_salesforce_check_can_request_token (BpSalesforceAccount  *self,
                                       GError              **error)
{
  g_autoptr(GError) url_error = NULL;
  g_autofree char *consumer_key = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  consumer_key = bp_account_strip_text (self->consumer_key);
  if (*consumer_key == '\0')
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_INVALID,
                           _("Enter the Consumer key of the Connected App "
                             "before requesting a token."));
      return FALSE;
    }

  url = bp_salesforce_normalize_url (self->url, &url_error);
  if (url == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&url_error), "%s",
                                  _("Correct the Url before requesting a token: "));
      return FALSE;
    }

  return TRUE;
}

/* Validation */

static void
validate_url (BpSalesforceAccount *self,
              GPtrArray           *problems)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *host = NULL;
  gboolean is_sandbox_host;
  gboolean hinted = FALSE;

  normalized = bp_salesforce_normalize_url (self->url, &error);
  if (normalized == NULL)
    {
      /* It sets the error whenever it returns NULL; said for gcc -fanalyzer
       * at -O2, which cannot see into bp-salesforce-endpoints.c. */
      g_assert (error != NULL);
      bp_problems_add (problems, "url", BP_SEVERITY_ERROR, "%s", error->message);
      return;
    }

  /* No Url: the login host follows the Sandbox checkbox. */
  if (*normalized == '\0')
    return;

  host = get_normalized_host (normalized);

  for (guint i = 0; i < G_N_ELEMENTS (not_login_suffixes); i++)
    {
      const char *suffix = not_login_suffixes[i].suffix;

      if (host_has_suffix (host, suffix))
        {
          g_autofree char *suggestion =
            g_strdup_printf ("https://%.*s%s/", (int) (strlen (host) - strlen (suffix)), host,
                             not_login_suffixes[i].my_domain_suffix);

          bp_problems_add (problems, "url", BP_SEVERITY_WARNING,
                           _("%s is the address of Salesforce's pages, not of its login. "
                             "Use your My Domain: %s"),
                           host, suggestion);
          hinted = TRUE;
          break;
        }
    }

  if (!hinted
      && (g_str_equal (host, PRODUCTION_LOGIN_HOST) || g_str_equal (host, SANDBOX_LOGIN_HOST)))
    bp_problems_add (problems, "url", BP_SEVERITY_WARNING,
                     _("%s works only while the org allows logins through it. Your org's "
                       "My Domain (https://your-domain.my.salesforce.com/) always works."),
                     host);
  else if (!hinted && !is_my_domain_host (host))
    bp_problems_add (problems, "url", BP_SEVERITY_WARNING,
                     _("%s is not a Salesforce My Domain. The Url is usually "
                       "https://your-domain.my.salesforce.com/; Setup → My Domain shows it."),
                     host);

  is_sandbox_host = g_str_equal (host, SANDBOX_LOGIN_HOST)
                    || host_has_suffix (host, ".sandbox.my.salesforce.com")
                    || host_has_suffix (host, ".sandbox.lightning.force.com")
                    || host_has_suffix (host, ".sandbox.my.salesforce-setup.com");

  if (is_sandbox_host && !self->sandbox)
    bp_problems_add (problems, "sandbox", BP_SEVERITY_WARNING,
                     _("The Url is the address of a sandbox, "
                       "but Sandbox environment is not checked."));
  else if (g_str_equal (host, PRODUCTION_LOGIN_HOST) && self->sandbox)
    bp_problems_add (problems, "sandbox", BP_SEVERITY_WARNING,
                     _("Sandbox environment is checked, but the Url is the login of "
                       "production orgs, %s. Sandboxes log in at %s or at their My Domain."),
                     PRODUCTION_LOGIN_HOST, SANDBOX_LOGIN_HOST);
}

/* "https://" and "/" are what people type when single sign-on is unused:
 * only text with something after "://" is treated as a full URL. */
static gboolean
looks_like_full_url (const char *text)
{
  const char *separator = strstr (text, "://");

  return separator != NULL && separator != text && separator[3] != '\0';
}

static void
validate_idp_login_url (BpSalesforceAccount *self,
                        GPtrArray           *problems)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *login_url = NULL;
  g_autofree char *login_host = NULL;
  g_autofree char *url_host = NULL;

  login_url = bp_account_strip_text (self->idp_login_url);

  if (*login_url == '\0')
    {
      bp_problems_add (problems, "idp-login-url", BP_SEVERITY_ERROR, "%s",
                       _("Enter the Identity provider initiated login URL. "
                         "If single sign-on is not used, enter https:// or /."));
      return;
    }

  if (!looks_like_full_url (login_url))
    return;

  if (has_white_space (login_url))
    {
      bp_problems_add (problems, "idp-login-url", BP_SEVERITY_ERROR, "%s",
                       _("The Identity provider initiated login URL must not contain spaces."));
      return;
    }

  uri = g_uri_parse (login_url, G_URI_FLAGS_ENCODED, &error);
  if (uri == NULL)
    {
      bp_problems_add (problems, "idp-login-url", BP_SEVERITY_ERROR,
                       _("The Identity provider initiated login URL is not a valid address: %s"),
                       error->message);
      return;
    }

  login_host = normalize_host (g_uri_get_host (uri));
  if (login_host == NULL)
    {
      bp_problems_add (problems, "idp-login-url", BP_SEVERITY_ERROR, "%s",
                       _("The Identity provider initiated login URL has no valid host name. "
                         "It looks like https://your-domain.my.salesforce.com/idp/login?app=…"));
      return;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0)
    {
      bp_problems_add (problems, "idp-login-url", BP_SEVERITY_WARNING, "%s",
                       _("The Identity provider initiated login URL should start with https://."));
      return;
    }

  url_host = get_normalized_host (self->url);
  if (url_host != NULL && !g_str_equal (url_host, login_host))
    bp_problems_add (problems, "idp-login-url", BP_SEVERITY_WARNING,
                     _("The Identity provider initiated login URL goes to %s, but the Url is %s. "
                       "Both are usually your My Domain."),
                     login_host, url_host);
}

/* A day in the messages, as the certificate field shows it: the local date
 * in the locale's format. */
static char *
format_local_date (GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);

  return g_date_time_format (local, "%x");
}

static void
validate_idp_certificate (BpSalesforceAccount *self,
                          GPtrArray           *problems)
{
  g_autoptr(BpCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *date = NULL;
  gint64 days;

  stripped = bp_account_strip_text (self->idp_certificate);
  if (*stripped == '\0')
    return;

  certificate = bp_certificate_new_from_text (self->idp_certificate,
                                              BP_CERTIFICATE_PARSE_DEFAULT, &error);
  if (certificate == NULL)
    {
      bp_problems_add (problems, "idp-certificate", BP_SEVERITY_ERROR, "%s", error->message);
      return;
    }

  now = g_date_time_new_now_utc ();
  days = bp_certificate_get_days_left (certificate, now);

  switch (bp_certificate_get_validity (certificate, now))
    {
    case BP_CERTIFICATE_VALIDITY_EXPIRED:
      date = format_local_date (bp_certificate_get_not_after (certificate));
      days = MAX (-days, 0);
      bp_problems_add (problems, "idp-certificate", BP_SEVERITY_WARNING,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The certificate expired %d day ago, on %s. Single sign-on "
                                    "fails until you paste Salesforce's current certificate.",
                                    "The certificate expired %d days ago, on %s. Single sign-on "
                                    "fails until you paste Salesforce's current certificate.",
                                    (gulong) days),
                       (int) days, date);
      break;

    case BP_CERTIFICATE_VALIDITY_EXPIRING_SOON:
      date = format_local_date (bp_certificate_get_not_after (certificate));
      days = MAX (days, 0);
      bp_problems_add (problems, "idp-certificate", BP_SEVERITY_WARNING,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The certificate expires in %d day, on %s. "
                                    "Renew it in Salesforce and paste the new one here.",
                                    "The certificate expires in %d days, on %s. "
                                    "Renew it in Salesforce and paste the new one here.",
                                    (gulong) days),
                       (int) days, date);
      break;

    case BP_CERTIFICATE_VALIDITY_NOT_YET_VALID:
      {
        GDateTime *not_before = bp_certificate_get_not_before (certificate);
        GTimeSpan until = g_date_time_difference (not_before, now);

        days = (until + G_TIME_SPAN_DAY - 1) / G_TIME_SPAN_DAY;
        date = format_local_date (not_before);
        bp_problems_add (problems, "idp-certificate", BP_SEVERITY_WARNING,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The certificate is not valid yet: it becomes valid "
                                      "in %d day, on %s.",
                                      "The certificate is not valid yet: it becomes valid "
                                      "in %d days, on %s.",
                                      (gulong) days),
                         (int) days, date);
      }
      break;

    case BP_CERTIFICATE_VALIDITY_VALID:
    default:
      break;
    }
}

static void
bp_salesforce_account_validate (BpAccount *account,
                                GPtrArray *problems)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (account);

  validate_url (self, problems);
  validate_idp_certificate (self, problems);
  validate_idp_login_url (self, problems);
}

/* JSON */

static void
bp_salesforce_account_write_json (BpAccount  *account,
                                  JsonObject *object)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (account);
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (BP_TYPE_TOKEN_STATE);
  const char *url;
  GEnumValue *state;

  /* Validation keeps an invalid Url out of the store; should one get here
   * anyway, it is written as typed rather than lost. */
  if (!self->has_written_url)
    {
      self->written_url = bp_salesforce_normalize_url (self->url, NULL);
      self->has_written_url = TRUE;
    }
  url = self->written_url;

  json_object_set_string_member (object, "url", url != NULL ? url : self->url);
  json_object_set_boolean_member (object, "sandbox", self->sandbox);
  json_object_set_string_member (object, "consumer-key", self->consumer_key);

  state = g_enum_get_value (enum_class, self->token_state);
  g_assert (state != NULL);
  json_object_set_string_member (object, "token-state", state->value_nick);

  if (self->token_issued_at != NULL)
    {
      g_autofree char *issued_at = g_date_time_format_iso8601 (self->token_issued_at);

      json_object_set_string_member (object, "token-issued-at", issued_at);
    }
  else if (json_object_has_member (object, "token-issued-at"))
    {
      json_object_remove_member (object, "token-issued-at");
    }

  json_object_set_string_member (object, "authorized-user", self->authorized_user);
  json_object_set_string_member (object, "idp-certificate", self->idp_certificate);
  json_object_set_string_member (object, "idp-login-url", self->idp_login_url);
}

static gboolean
bp_salesforce_account_read_json (BpAccount            *account,
                                 const BpJsonMembers  *members,
                                 GError              **error)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (account);
  g_autofree char *url = NULL;
  g_autofree char *consumer_key = NULL;
  g_autofree char *token_state = NULL;
  g_autofree char *token_issued_at = NULL;
  g_autofree char *authorized_user = NULL;
  g_autofree char *idp_certificate = NULL;
  g_autofree char *idp_login_url = NULL;
  g_autoptr(GDateTime) issued_at = NULL;
  gboolean sandbox = FALSE;
  BpTokenState state = BP_TOKEN_STATE_NONE;

  if (!bp_account_read_string_member (members, "url", &url, error)
      || !bp_account_read_boolean_member (members, "sandbox", &sandbox, error)
      || !bp_account_read_string_member (members, "consumer-key", &consumer_key, error)
      || !bp_account_read_string_member (members, "token-state", &token_state, error)
      || !bp_account_read_string_member (members, "token-issued-at", &token_issued_at, error)
      || !bp_account_read_string_member (members, "authorized-user", &authorized_user, error)
      || !bp_account_read_string_member (members, "idp-certificate", &idp_certificate, error)
      || !bp_account_read_string_member (members, "idp-login-url", &idp_login_url, error))
    return FALSE;

  if (token_state != NULL)
    {
      g_autoptr(GEnumClass) enum_class = g_type_class_ref (BP_TYPE_TOKEN_STATE);
      GEnumValue *value = g_enum_get_value_by_nick (enum_class, token_state);

      if (value != NULL)
        {
          state = value->value;
        }
      else
        {
          /* A state a newer version knows: whatever it means, this version
           * cannot vouch for the token. */
          g_debug ("Unknown token state “%s”; treating it as needs-new-token", token_state);
          state = BP_TOKEN_STATE_NEEDS_NEW_TOKEN;
        }
    }

  if (token_issued_at != NULL)
    {
      issued_at = g_date_time_new_from_iso8601 (token_issued_at, NULL);
      if (issued_at == NULL)
        {
          g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                       _("The member “%s” must be a date and time such as "
                         "2024-05-01T09:30:00Z, but it is “%s”"),
                       "token-issued-at", token_issued_at);
          return FALSE;
        }
    }

  /* The account was made for this and nobody holds it yet: its fields are
   * filled in directly. The setters would only copy each value once more and
   * notify, and notifying takes GObject's locks, which the store's two
   * reading threads then wait on (docs/performance.md). */
  take_string (&self->url, g_steal_pointer (&url));
  self->sandbox = sandbox;
  take_string (&self->consumer_key, g_steal_pointer (&consumer_key));
  self->token_state = state;
  g_clear_pointer (&self->token_issued_at, g_date_time_unref);
  if (issued_at != NULL)
    self->token_issued_at = g_date_time_to_utc (issued_at);
  take_string (&self->authorized_user, g_steal_pointer (&authorized_user));
  take_string (&self->idp_certificate, g_steal_pointer (&idp_certificate));
  take_string (&self->idp_login_url, g_steal_pointer (&idp_login_url));

  return TRUE;
}

static const char * const *
bp_salesforce_account_get_secret_kinds (BpAccount *account)
{
  return secret_kinds;
}

/* An administrator finds an org by its My Domain as often as by its name. */
static void
bp_salesforce_account_add_search_texts (BpAccount *account,
                                        GPtrArray *texts)
{
  g_ptr_array_add (texts, BP_SALESFORCE_ACCOUNT (account)->url);
}

/**
 * bp_salesforce_account_changes_token_owner:
 * @self: a draft
 * @saved: the saved account it was copied from
 *
 * A stored token must never be sent to another host or on behalf of another
 * app: when the draft changes Url (compared normalised), Sandbox or Consumer
 * key, its token needs to be requested again. A token requested in the draft
 * itself (a token-issued-at the saved account does not have) was requested
 * with the draft's values and stays valid.
 *
 * Returns: the property whose change takes the token away ("url", "sandbox"
 *   or "consumer-key"), or %NULL when applying @self keeps its token
 */
const char *
bp_salesforce_account_changes_token_owner (BpSalesforceAccount *self,
                                           BpSalesforceAccount *saved)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (saved), NULL);

  if (!has_token (saved) || !has_token (self))
    return NULL;

  if (self->token_issued_at != NULL
      && (saved->token_issued_at == NULL
          || !g_date_time_equal (self->token_issued_at, saved->token_issued_at)))
    return NULL;

  if (!is_same_url (self->url, saved->url))
    return "url";
  if (self->sandbox != saved->sandbox)
    return "sandbox";
  if (g_strcmp0 (self->consumer_key, saved->consumer_key) != 0)
    return "consumer-key";

  return NULL;
}

static void
bp_salesforce_account_applied_over (BpAccount *account,
                                    BpAccount *saved)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (account);

  if (bp_salesforce_account_changes_token_owner (self, BP_SALESFORCE_ACCOUNT (saved)) != NULL)
    bp_salesforce_account_set_token_state (self, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
}

/* GObject */

static void
bp_salesforce_account_finalize (GObject *object)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (object);

  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->written_url, g_free);
  g_clear_pointer (&self->consumer_key, g_free);
  g_clear_pointer (&self->token_issued_at, g_date_time_unref);
  g_clear_pointer (&self->authorized_user, g_free);
  g_clear_pointer (&self->idp_certificate, g_free);
  g_clear_pointer (&self->idp_login_url, g_free);

  G_OBJECT_CLASS (bp_salesforce_account_parent_class)->finalize (object);
}

static void
bp_salesforce_account_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_SANDBOX:
      g_value_set_boolean (value, self->sandbox);
      break;

    case PROP_CONSUMER_KEY:
      g_value_set_string (value, self->consumer_key);
      break;

    case PROP_CONSUMER_SECRET:
      g_value_set_string (value, bp_salesforce_account_get_consumer_secret (self));
      break;

    case PROP_TOKEN_STATE:
      g_value_set_enum (value, self->token_state);
      break;

    case PROP_TOKEN_ISSUED_AT:
      g_value_set_boxed (value, self->token_issued_at);
      break;

    case PROP_AUTHORIZED_USER:
      g_value_set_string (value, self->authorized_user);
      break;

    case PROP_IDP_CERTIFICATE:
      g_value_set_string (value, self->idp_certificate);
      break;

    case PROP_IDP_LOGIN_URL:
      g_value_set_string (value, self->idp_login_url);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_account_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  BpSalesforceAccount *self = BP_SALESFORCE_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_URL:
      bp_salesforce_account_set_url (self, g_value_get_string (value));
      break;

    case PROP_SANDBOX:
      bp_salesforce_account_set_sandbox (self, g_value_get_boolean (value));
      break;

    case PROP_CONSUMER_KEY:
      bp_salesforce_account_set_consumer_key (self, g_value_get_string (value));
      break;

    case PROP_CONSUMER_SECRET:
      bp_salesforce_account_set_consumer_secret (self, g_value_get_string (value));
      break;

    case PROP_TOKEN_STATE:
      bp_salesforce_account_set_token_state (self, g_value_get_enum (value));
      break;

    case PROP_TOKEN_ISSUED_AT:
      bp_salesforce_account_set_token_issued_at (self, g_value_get_boxed (value));
      break;

    case PROP_AUTHORIZED_USER:
      bp_salesforce_account_set_authorized_user (self, g_value_get_string (value));
      break;

    case PROP_IDP_CERTIFICATE:
      bp_salesforce_account_set_idp_certificate (self, g_value_get_string (value));
      break;

    case PROP_IDP_LOGIN_URL:
      bp_salesforce_account_set_idp_login_url (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_salesforce_account_class_init (BpSalesforceAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  BpAccountClass *account_class = BP_ACCOUNT_CLASS (klass);

  object_class->finalize = bp_salesforce_account_finalize;
  object_class->get_property = bp_salesforce_account_get_property;
  object_class->set_property = bp_salesforce_account_set_property;

  account_class->type_id = "salesforce";
  account_class->type_name = N_("Salesforce.com");
  account_class->description = N_("Salesforce org: data access from scenarios and single sign-on");
  account_class->icon_name = "network-server-symbolic";

  account_class->validate = bp_salesforce_account_validate;
  account_class->write_json = bp_salesforce_account_write_json;
  account_class->read_json = bp_salesforce_account_read_json;
  account_class->get_secret_kinds = bp_salesforce_account_get_secret_kinds;
  account_class->add_search_texts = bp_salesforce_account_add_search_texts;
  account_class->applied_over = bp_salesforce_account_applied_over;

  /**
   * BpSalesforceAccount:url:
   *
   * The org's login address, as typed: its My Domain
   * (https://acme.my.salesforce.com/), or "" for login.salesforce.com or
   * test.salesforce.com, as Sandbox says.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:sandbox:
   *
   * Whether the org is a sandbox ("Sandbox environment").
   */
  properties[PROP_SANDBOX] =
    g_param_spec_boolean ("sandbox", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:consumer-key:
   *
   * The Connected App's consumer key (OAuth client_id).
   */
  properties[PROP_CONSUMER_KEY] =
    g_param_spec_string ("consumer-key", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:consumer-secret:
   *
   * The Connected App's consumer secret: the account's secret of kind
   * "consumer-secret", held in memory and kept only in the keyring. %NULL
   * while it is not known; setting %NULL makes it known and empty.
   */
  properties[PROP_CONSUMER_SECRET] =
    g_param_spec_string (BP_SECRET_KIND_CONSUMER_SECRET, NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:token-state:
   *
   * Whether a refresh token is in the keyring and can be used.
   */
  properties[PROP_TOKEN_STATE] =
    g_param_spec_enum ("token-state", NULL, NULL,
                       BP_TYPE_TOKEN_STATE,
                       BP_TOKEN_STATE_NONE,
                       (G_PARAM_READWRITE |
                        G_PARAM_EXPLICIT_NOTIFY |
                        G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:token-issued-at:
   *
   * When the refresh token was issued, in UTC; %NULL without a token.
   */
  properties[PROP_TOKEN_ISSUED_AT] =
    g_param_spec_boxed ("token-issued-at", NULL, NULL,
                        G_TYPE_DATE_TIME,
                        (G_PARAM_READWRITE |
                         G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:authorized-user:
   *
   * The Salesforce user who authorized the token ("Authorized as ...").
   */
  properties[PROP_AUTHORIZED_USER] =
    g_param_spec_string ("authorized-user", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:idp-certificate:
   *
   * The Identity provider certificate as PEM text, or "". Callers set the
   * normalised PEM of bp_certificate_get_pem(); validation parses it.
   */
  properties[PROP_IDP_CERTIFICATE] =
    g_param_spec_string ("idp-certificate", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpSalesforceAccount:idp-login-url:
   *
   * The Identity provider initiated login URL (required; "https://" or "/"
   * when single sign-on is not used).
   */
  properties[PROP_IDP_LOGIN_URL] =
    g_param_spec_string ("idp-login-url", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_salesforce_account_init (BpSalesforceAccount *self)
{
  self->url = g_strdup ("");
  self->consumer_key = g_strdup ("");
  self->token_state = BP_TOKEN_STATE_NONE;
  self->authorized_user = g_strdup ("");
  self->idp_certificate = g_strdup ("");
  self->idp_login_url = g_strdup ("");
}

BpSalesforceAccount *
bp_salesforce_account_new (void)
{
  return g_object_new (BP_TYPE_SALESFORCE_ACCOUNT, NULL);
}

/* Properties */

const char *
bp_salesforce_account_get_url (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->url;
}

void
bp_salesforce_account_set_url (BpSalesforceAccount *self,
                               const char          *url)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (set_string (&self->url, url))
    {
      g_clear_pointer (&self->written_url, g_free);
      self->has_written_url = FALSE;
      bp_account_forget_search_texts (BP_ACCOUNT (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
    }
}

gboolean
bp_salesforce_account_get_sandbox (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), FALSE);

  return self->sandbox;
}

void
bp_salesforce_account_set_sandbox (BpSalesforceAccount *self,
                                   gboolean             sandbox)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  sandbox = !!sandbox;
  if (self->sandbox == sandbox)
    return;

  self->sandbox = sandbox;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOX]);
}

const char *
bp_salesforce_account_get_consumer_key (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->consumer_key;
}

void
bp_salesforce_account_set_consumer_key (BpSalesforceAccount *self,
                                        const char          *consumer_key)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (set_string (&self->consumer_key, consumer_key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONSUMER_KEY]);
}

/* %NULL while the secret is not known (not loaded from the keyring). */
const char *
bp_salesforce_account_get_consumer_secret (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return bp_account_get_secret (BP_ACCOUNT (self), BP_SECRET_KIND_CONSUMER_SECRET);
}

/* The same storage as the secret: bp_account_set_secret() notifies. */
void
bp_salesforce_account_set_consumer_secret (BpSalesforceAccount *self,
                                           const char          *consumer_secret)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  bp_account_set_secret (BP_ACCOUNT (self), BP_SECRET_KIND_CONSUMER_SECRET, consumer_secret);
}

BpTokenState
bp_salesforce_account_get_token_state (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), BP_TOKEN_STATE_NONE);

  return self->token_state;
}

void
bp_salesforce_account_set_token_state (BpSalesforceAccount *self,
                                       BpTokenState         token_state)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));
  g_return_if_fail (token_state <= BP_TOKEN_STATE_NEEDS_NEW_TOKEN);

  if (self->token_state == token_state)
    return;

  self->token_state = token_state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_STATE]);
}

/**
 * bp_salesforce_account_get_token_issued_at:
 *
 * Returns: (transfer none) (nullable): when the token was issued, in UTC
 */
GDateTime *
bp_salesforce_account_get_token_issued_at (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->token_issued_at;
}

/* Stored in UTC; setting the same instant in another time zone is no change. */
void
bp_salesforce_account_set_token_issued_at (BpSalesforceAccount *self,
                                           GDateTime           *issued_at)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (self->token_issued_at == issued_at)
    return;

  if (self->token_issued_at != NULL && issued_at != NULL
      && g_date_time_equal (self->token_issued_at, issued_at))
    return;

  g_clear_pointer (&self->token_issued_at, g_date_time_unref);
  g_clear_pointer (&self->token_issued_at, g_date_time_unref);
  if (issued_at != NULL)
    self->token_issued_at = g_date_time_to_utc (issued_at);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN_ISSUED_AT]);
}

const char *
bp_salesforce_account_get_authorized_user (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->authorized_user;
}

void
bp_salesforce_account_set_authorized_user (BpSalesforceAccount *self,
                                           const char          *user)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (set_string (&self->authorized_user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZED_USER]);
}

const char *
bp_salesforce_account_get_idp_certificate (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->idp_certificate;
}

void
bp_salesforce_account_set_idp_certificate (BpSalesforceAccount *self,
                                           const char          *pem)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (set_string (&self->idp_certificate, pem))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDP_CERTIFICATE]);
}

const char *
bp_salesforce_account_get_idp_login_url (BpSalesforceAccount *self)
{
  g_return_val_if_fail (BP_IS_SALESFORCE_ACCOUNT (self), NULL);

  return self->idp_login_url;
}

void
bp_salesforce_account_set_idp_login_url (BpSalesforceAccount *self,
                                         const char          *url)
{
  g_return_if_fail (BP_IS_SALESFORCE_ACCOUNT (self));

  if (set_string (&self->idp_login_url, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDP_LOGIN_URL]);
}
