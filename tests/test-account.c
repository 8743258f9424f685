/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-account"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "bp-account-private.h"
#include "bp-certificate.h"
#include "bp-error.h"
#include "bp-salesforce-account.h"
#include "bp-test-utils.h"

#define NO_PROBLEM (-1)

#define SECRET_VALUE  "C0nsumer-Secret-Value-7731"
#define TOKEN_VALUE   "5Aep861Refresh-Token-4411"
#define ACME_URL      "https://acme.my.salesforce.com/"
#define ACME_IDP_URL  ACME_URL "idp/login?app=0sp000000000001"
#define OTHER_URL     "https://other.my.salesforce.com/"
#define ACCOUNT_ID    "0b9c6f6e-3c8e-4a53-9d7e-2b1f0c7a5e11"
#define SALESFORCE    "{\"id\":\"" ACCOUNT_ID "\",\"type\":\"salesforce\""
#define DAYS(n)       ((n) * G_TIME_SPAN_DAY)

/* Helpers */

/* An account without problems: a name and something in the required field. */
static BpSalesforceAccount *
new_account (const char *name)
{
  BpSalesforceAccount *account = bp_salesforce_account_new ();

  bp_account_set_name (BP_ACCOUNT (account), name);
  bp_salesforce_account_set_idp_login_url (account, "/");

  return account;
}

static int
severity_of (GPtrArray  *problems,
             const char *property)
{
  const BpProblem *problem = bp_problems_find (problems, property);

  return problem != NULL ? (int) problem->severity : NO_PROBLEM;
}

static const char *
message_of (GPtrArray  *problems,
            const char *property)
{
  const BpProblem *problem = bp_problems_find (problems, property);

  return problem != NULL ? problem->message : "";
}

static char *
account_to_string (BpAccount *account)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, bp_account_to_json (account));
  return json_to_string (node, FALSE);
}

static BpAccount *
account_from_string (const char  *text,
                     GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &parse_error);

  g_assert_no_error (parse_error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));

  return bp_account_new_from_json (json_node_get_object (node), error);
}

static BpAccount *
round_trip (BpAccount *account)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = account_to_string (account);
  BpAccount *read = account_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (read);
  return read;
}

static gboolean
values_equal (const GValue *a,
              const GValue *b,
              GParamSpec   *pspec)
{
  if (pspec->value_type == G_TYPE_DATE_TIME)
    {
      GDateTime *date_a = g_value_get_boxed (a);
      GDateTime *date_b = g_value_get_boxed (b);

      if (date_a == NULL || date_b == NULL)
        return date_a == date_b;
      return g_date_time_equal (date_a, date_b);
    }

  if (pspec->value_type == G_TYPE_STRING)
    return g_strcmp0 (g_value_get_string (a), g_value_get_string (b)) == 0;

  return g_param_values_cmp (pspec, a, b) == 0;
}

/* Asserts that every readable property of @a equals the one of @b. */
static void
assert_same_properties (BpAccount *a,
                        BpAccount *b)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (a), &n_pspecs);
  g_assert_cmpuint (n_pspecs, >=, 13);

  for (guint i = 0; i < n_pspecs; i++)
    {
      g_auto(GValue) value_a = G_VALUE_INIT;
      g_auto(GValue) value_b = G_VALUE_INIT;

      if ((pspecs[i]->flags & G_PARAM_READABLE) == 0)
        continue;

      g_value_init (&value_a, pspecs[i]->value_type);
      g_value_init (&value_b, pspecs[i]->value_type);
      g_object_get_property (G_OBJECT (a), pspecs[i]->name, &value_a);
      g_object_get_property (G_OBJECT (b), pspecs[i]->name, &value_b);

      if (!values_equal (&value_a, &value_b, pspecs[i]))
        {
          g_autofree char *text_a = g_strdup_value_contents (&value_a);
          g_autofree char *text_b = g_strdup_value_contents (&value_b);

          g_error ("Property “%s” differs: %s != %s", pspecs[i]->name, text_a, text_b);
        }
    }
}

/* An account with every property set to something other than its default. */
static BpSalesforceAccount *
new_full_account (void)
{
  BpSalesforceAccount *account = new_account ("Acme production");
  g_autoptr(GDateTime) issued_at = g_date_time_new_utc (2024, 5, 1, 9, 30, 15.25);

  bp_account_set_is_default (BP_ACCOUNT (account), TRUE);
  bp_salesforce_account_set_url (account, ACME_URL);
  bp_salesforce_account_set_sandbox (account, TRUE);
  bp_salesforce_account_set_consumer_key (account, "3MVG9consumer.key");
  bp_salesforce_account_set_consumer_secret (account, SECRET_VALUE);
  bp_account_set_secret (BP_ACCOUNT (account), BP_SECRET_KIND_REFRESH_TOKEN, TOKEN_VALUE);
  bp_salesforce_account_set_token_state (account, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_token_issued_at (account, issued_at);
  bp_salesforce_account_set_authorized_user (account, "admin@acme.example");
  bp_salesforce_account_set_idp_certificate (account, "-----BEGIN CERTIFICATE-----\nMIIB\n"
                                                      "-----END CERTIFICATE-----\n");
  bp_salesforce_account_set_idp_login_url (account, ACME_IDP_URL);

  return account;
}

/* Certificates made with GnuTLS for the validity rules. */

static gnutls_x509_privkey_t test_key;

static gnutls_x509_privkey_t
get_test_key (void)
{
  if (test_key == NULL)
    {
      g_assert_cmpint (gnutls_x509_privkey_init (&test_key), ==, GNUTLS_E_SUCCESS);
      g_assert_cmpint (gnutls_x509_privkey_generate (test_key, GNUTLS_PK_RSA, 2048, 0),
                       ==, GNUTLS_E_SUCCESS);
    }

  return test_key;
}

static char *
make_certificate (GTimeSpan not_before_from_now,
                  GTimeSpan not_after_from_now)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gint64 activation = g_date_time_to_unix (now) + not_before_from_now / G_TIME_SPAN_SECOND;
  gint64 expiration = g_date_time_to_unix (now) + not_after_from_now / G_TIME_SPAN_SECOND;
  gnutls_x509_privkey_t key = get_test_key ();
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t out = { NULL, 0 };
  guint8 serial[8];
  char *pem;

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_random_int_range (1, 256);
  serial[0] &= 0x7f;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, "CN=SelfSignedCert_Test,O=Salesforce.com,C=US",
                                           NULL),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, activation), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, expiration), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0),
                   ==, GNUTLS_E_SUCCESS);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, GNUTLS_E_SUCCESS);

  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);

  return pem;
}

/* Search and sort */

static void
assert_search_texts (BpAccount  *account,
                     const char *name,
                     const char *url)
{
  const char * const *texts = bp_account_get_search_texts (account);

  g_assert_nonnull (texts);
  g_assert_cmpstr (texts[0], ==, name);
  g_assert_cmpstr (texts[1], ==, url);
  g_assert_null (texts[2]);
}

/* What a search finds an account by: its name and its Url, case-folded,
 * kept until one of them changes. */
static void
test_search_texts (void)
{
  g_autoptr(BpAccount) account = g_object_new (BP_TYPE_SALESFORCE_ACCOUNT, NULL);
  g_autoptr(BpAccount) read = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  assert_search_texts (account, "", "");

  bp_account_set_name (account, "Globex ÄRGER Support");
  assert_search_texts (account, "globex ärger support", "");
  bp_salesforce_account_set_url (BP_SALESFORCE_ACCOUNT (account), "https://Globex.My.Salesforce.com/");
  assert_search_texts (account, "globex ärger support", "https://globex.my.salesforce.com/");
  bp_account_set_name (account, "Initech");
  assert_search_texts (account, "initech", "https://globex.my.salesforce.com/");
  bp_salesforce_account_set_url (BP_SALESFORCE_ACCOUNT (account), NULL);
  assert_search_texts (account, "initech", "");
  /* Through the properties, as the store saves a draft over its account. */
  g_object_set (account, "name", "Umbrella", "url", "https://Umbrella.my.salesforce.com/", NULL);
  assert_search_texts (account, "umbrella", "https://umbrella.my.salesforce.com/");

  /* Read from the store file, which holds the Url normalised. */
  bp_salesforce_account_set_url (BP_SALESFORCE_ACCOUNT (account), "https://INITECH.my.salesforce.com");
  object = bp_account_to_json (account);
  read = bp_account_new_from_json (object, &error);
  g_assert_no_error (error);
  assert_search_texts (read, "umbrella", "https://initech.my.salesforce.com/");
}

/* bp_account_make_sort_key() makes ASCII names' keys itself: they must be
 * the keys GLib makes, in every locale at hand, so that they sort alike
 * among themselves and among names that are not ASCII. */
static void
test_sort_key (void)
{
  static const char * const names[] = {
    "Production", "production", "PRODUCTION", "UAT sandbox", "uat-sandbox", "Acme #0042", "Acme #42", "",
    "Zeta", "a b", "A_B", "~tilde", "1st", "Émile", "Ärger", "Zürich", NULL
  };
  static const char * const locales[] = { "C.UTF-8", "en_US.UTF-8", "de_DE.UTF-8", "C" };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  guint n_tried = 0;

  for (guint l = 0; l < G_N_ELEMENTS (locales); l++)
    {
      if (setlocale (LC_ALL, locales[l]) == NULL)
        continue;
      n_tried++;

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autofree char *folded = g_utf8_casefold (names[i], -1);
          g_autofree char *expected = g_utf8_collate_key (folded, -1);
          g_autofree char *key = bp_account_make_sort_key (names[i]);

          g_test_message ("%s: “%s”", locales[l], names[i]);
          g_assert_cmpstr (key, ==, expected);
        }
    }

  setlocale (LC_ALL, saved);
  g_assert_cmpuint (n_tried, >, 0);
}

/* Problems */

static void
test_problems (void)
{
  g_autoptr(GPtrArray) problems = bp_problems_new ();
  g_autoptr(BpProblem) copy = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *all = NULL;
  g_autofree char *none = NULL;
  const BpProblem *found;

  g_assert_false (bp_problems_has_errors (problems));
  g_assert_null (bp_problems_find (problems, "url"));
  none = bp_problems_to_string (problems, BP_SEVERITY_WARNING);
  g_assert_cmpstr (none, ==, "");

  bp_problems_add (problems, "url", BP_SEVERITY_WARNING, "Warning %d", 1);
  g_assert_false (bp_problems_has_errors (problems));

  bp_problems_add (problems, "url", BP_SEVERITY_ERROR, "Error %s", "two");
  bp_problems_add (problems, "name", BP_SEVERITY_ERROR, "Error %s", "three");
  g_assert_true (bp_problems_has_errors (problems));

  /* The most severe problem of the property, not the first one. */
  found = bp_problems_find (problems, "url");
  g_assert_nonnull (found);
  g_assert_cmpint (found->severity, ==, BP_SEVERITY_ERROR);
  g_assert_cmpstr (found->message, ==, "Error two");
  g_assert_cmpstr (bp_problems_find (problems, "name")->message, ==, "Error three");
  g_assert_null (bp_problems_find (problems, "sandbox"));

  errors = bp_problems_to_string (problems, BP_SEVERITY_ERROR);
  g_assert_cmpstr (errors, ==, "Error two\nError three");
  all = bp_problems_to_string (problems, BP_SEVERITY_WARNING);
  g_assert_cmpstr (all, ==, "Warning 1\nError two\nError three");

  copy = g_boxed_copy (BP_TYPE_PROBLEM, found);
  g_assert_true (copy != found);
  g_assert_cmpstr (copy->property, ==, "url");
  g_assert_cmpstr (copy->message, ==, "Error two");
  g_assert_cmpint (copy->severity, ==, BP_SEVERITY_ERROR);
}

/* Url */

typedef struct
{
  const char *text;
  const char *normalized;   /* NULL: BP_ERROR_INVALID_URL */
} NormalizeCase;

static const NormalizeCase normalize_cases[] = {
  { "https://acme.my.salesforce.com", "https://acme.my.salesforce.com/" },
  { "https://acme.my.salesforce.com/", "https://acme.my.salesforce.com/" },
  { "https://acme.my.salesforce.com///", "https://acme.my.salesforce.com/" },
  { "  https://ACME.My.Salesforce.COM/ \n", "https://acme.my.salesforce.com/" },
  { "HTTPS://acme.my.salesforce.com", "https://acme.my.salesforce.com/" },
  { "https://acme.my.salesforce.com.", "https://acme.my.salesforce.com/" },
  { "https://acme.my.salesforce.com:443", "https://acme.my.salesforce.com/" },
  { "https://acme.my.salesforce.com:8443", "https://acme.my.salesforce.com:8443/" },
  { "https://acme--uat.sandbox.my.salesforce.com", "https://acme--uat.sandbox.my.salesforce.com/" },
  { "https://acme.my.salesforce.com/services/Soap", ACME_URL "services/Soap/" },
  { "https://[::1]:8443", "https://[::1]:8443/" },
  { "", "" },
  { "   ", "" },
  { "http://acme.my.salesforce.com", NULL },
  { "acme.my.salesforce.com", NULL },
  { "ftp://acme.my.salesforce.com", NULL },
  { "https://", NULL },
  { "https:///path", NULL },
  { "https://user:password@acme.my.salesforce.com", NULL },
  { "https://acme.my.salesforce.com/?a=b", NULL },
  { "https://acme.my.salesforce.com/?", NULL },
  { "https://acme.my.salesforce.com/#top", NULL },
  { "https://acme .my.salesforce.com", NULL },
  { "https://acme.my.salesforce.com/a b", NULL },
  { "https://acme.my.salesforce.com:port", NULL },
  { "https://acme_x.my.salesforce.com", NULL },
  /* An IPv6 zone decodes to a Url that does not read back (found by fuzz-url). */
  { "https://[fe80::1%25eth0]/", NULL },
  { "https://[fe80::1%eth0]/", NULL },
  /* Two final dots: "ae." would normalise again to "ae" (found by fuzz-url). */
  { "https://ae../", NULL },
  /* GLib decodes an IP literal's host, even when asked to keep the Url
   * encoded: "%84" is not UTF-8 (found by fuzz-url). */
  { "https://[::%25\x10].forcef.com:%843]/", NULL },
};

static void
test_url_normalize (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (normalize_cases); i++)
    {
      const NormalizeCase *c = &normalize_cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *normalized = bp_salesforce_normalize_url (c->text, &error);

      g_test_message ("Url “%s”", c->text);

      if (c->normalized != NULL)
        {
          g_autofree char *again = NULL;

          g_assert_no_error (error);
          g_assert_cmpstr (normalized, ==, c->normalized);

          /* What is written to the file reads back unchanged. */
          again = bp_salesforce_normalize_url (normalized, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (again, ==, normalized);
        }
      else
        {
          g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
          g_assert_null (normalized);
          g_assert_cmpstr (error->message, !=, "");
          /* It goes into a label. */
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
    }

  /* NULL is an empty Url. */
  {
    g_autofree char *normalized = bp_salesforce_normalize_url (NULL, NULL);

    g_assert_cmpstr (normalized, ==, "");
  }
}

typedef struct
{
  const char *url;
  gboolean    sandbox;
  const char *property;   /* the property the row checks */
  int         severity;   /* NO_PROBLEM, BP_SEVERITY_WARNING or BP_SEVERITY_ERROR */
  const char *needle;     /* in the message, when not NULL */
} UrlCase;

static const UrlCase url_cases[] = {
  /* Good: no problem at all. */
  { "", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com/", FALSE, "url", NO_PROBLEM, NULL },
  { "https://ACME.MY.SALESFORCE.COM/", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com/some/path", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme--uat.sandbox.my.salesforce.com/", TRUE, "url", NO_PROBLEM, NULL },
  { "https://acme-dev-ed.develop.my.salesforce.com/", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.mil/", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme.my.sfcrmproducts.cn/", FALSE, "url", NO_PROBLEM, NULL },

  /* Bad: errors. */
  { "http://acme.my.salesforce.com", FALSE, "url", BP_SEVERITY_ERROR,
    "https://acme.my.salesforce.com" },
  { "acme.my.salesforce.com", FALSE, "url", BP_SEVERITY_ERROR, "https://acme.my.salesforce.com" },
  { "ftp://acme.my.salesforce.com", FALSE, "url", BP_SEVERITY_ERROR, "ftp://" },
  { "https://", FALSE, "url", BP_SEVERITY_ERROR, "host" },
  { "https://admin:secret@acme.my.salesforce.com/", FALSE, "url", BP_SEVERITY_ERROR, "password" },
  { "https://acme.my.salesforce.com/?startURL=x", FALSE, "url", BP_SEVERITY_ERROR, "query" },
  { "https://acme.my.salesforce.com/#main", FALSE, "url", BP_SEVERITY_ERROR, "fragment" },
  { "https://acme .my.salesforce.com/", FALSE, "url", BP_SEVERITY_ERROR, "spaces" },
  { "https://acme.my.salesforce.com:99999/", FALSE, "url", BP_SEVERITY_ERROR, NULL },

  /* Warnings: saved anyway. */
  { "https://example.com/", FALSE, "url", BP_SEVERITY_WARNING, "My Domain" },
  { "https://na123.salesforce.com/", FALSE, "url", BP_SEVERITY_WARNING, "My Domain" },
  { "https://acme.lightning.force.com/", FALSE, "url", BP_SEVERITY_WARNING,
    "https://acme.my.salesforce.com/" },
  { "https://acme.lightning.force.com/lightning/page/home", FALSE, "url", BP_SEVERITY_WARNING,
    "https://acme.my.salesforce.com/" },
  { "https://acme--uat.sandbox.lightning.force.com/", TRUE, "url", BP_SEVERITY_WARNING,
    "https://acme--uat.sandbox.my.salesforce.com/" },
  { "https://acme.my.salesforce-setup.com/", FALSE, "url", BP_SEVERITY_WARNING,
    "https://acme.my.salesforce.com/" },
  { "https://login.salesforce.com/", FALSE, "url", BP_SEVERITY_WARNING, "My Domain" },
  { "https://login.salesforce.com/", FALSE, "sandbox", NO_PROBLEM, NULL },
  { "https://login.salesforce.com/", TRUE, "sandbox", BP_SEVERITY_WARNING, "test.salesforce.com" },
  { "https://test.salesforce.com/", TRUE, "url", BP_SEVERITY_WARNING, "My Domain" },
  { "https://test.salesforce.com/", TRUE, "sandbox", NO_PROBLEM, NULL },
  { "https://test.salesforce.com/", FALSE, "sandbox", BP_SEVERITY_WARNING, "Sandbox" },
  { "https://acme--uat.sandbox.my.salesforce.com/", FALSE, "sandbox", BP_SEVERITY_WARNING,
    "Sandbox" },
  { "https://acme--uat.sandbox.my.salesforce.com/", FALSE, "url", NO_PROBLEM, NULL },
  { "https://acme--uat.sandbox.lightning.force.com/", FALSE, "sandbox", BP_SEVERITY_WARNING,
    "Sandbox" },
  { "https://acme.my.salesforce.com/", TRUE, "sandbox", NO_PROBLEM, NULL },
};

static const struct {
  const char *url;
  gboolean    sandbox;
} good_urls[] = {
  { "", FALSE },
  { "", TRUE },
  { "https://acme.my.salesforce.com", FALSE },
  { "https://acme.my.salesforce.com/", FALSE },
  { "https://ACME.MY.SALESFORCE.COM/", FALSE },
  { "https://acme.my.salesforce.com/some/path", FALSE },
  { "https://acme--uat.sandbox.my.salesforce.com/", TRUE },
  { "https://acme-dev-ed.develop.my.salesforce.com/", FALSE },
  { "https://acme.my.salesforce.mil/", FALSE },
  { "https://acme.my.sfcrmproducts.cn/", FALSE },
};

static void
test_url_validate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (url_cases); i++)
    {
      const UrlCase *c = &url_cases[i];
      g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("Url “%s”, sandbox %d, %s", c->url, c->sandbox, c->property);

      bp_salesforce_account_set_url (account, c->url);
      bp_salesforce_account_set_sandbox (account, c->sandbox);
      problems = bp_account_validate (BP_ACCOUNT (account), NULL);

      g_assert_cmpint (severity_of (problems, c->property), ==, c->severity);
      if (c->needle != NULL)
        g_assert_nonnull (strstr (message_of (problems, c->property), c->needle));

      /* Only errors block saving. */
      g_assert_true (bp_problems_has_errors (problems) == (c->severity == BP_SEVERITY_ERROR));
    }

  /* A good Url, with Sandbox as it should be, gives no problem at all. */
  for (guint i = 0; i < G_N_ELEMENTS (good_urls); i++)
    {
      g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
      g_autoptr(GPtrArray) problems = NULL;

      bp_salesforce_account_set_url (account, good_urls[i].url);
      bp_salesforce_account_set_sandbox (account, good_urls[i].sandbox);
      problems = bp_account_validate (BP_ACCOUNT (account), NULL);
      g_assert_cmpuint (problems->len, ==, 0);
    }
}

/* Names */

static void
test_name (void)
{
  g_autoptr(GListStore) accounts = g_list_store_new (BP_TYPE_ACCOUNT);
  g_autoptr(BpSalesforceAccount) saved = new_account ("Acme Production");
  g_autoptr(BpSalesforceAccount) other = new_account ("Acme Sandbox");
  g_autoptr(BpSalesforceAccount) account = new_account ("");
  g_autoptr(BpAccount) draft = NULL;
  const char *duplicates[] = {
    "Acme Production", "acme production", "ACME PRODUCTION", "  Acme Production  ",
    "\tacme PRODUCTION\n", "\u00a0Acme Production\u00a0", "Acme Production\u3000",
  };
  const char *distinct[] = { "Acme  Production", "Acme Productions", "Acme-Production", "Acme" };

  g_list_store_append (accounts, saved);
  g_list_store_append (accounts, other);

  /* Required. */
  for (guint i = 0; i < 3; i++)
    {
      const char *empty[] = { "", "   ", "\t\n\u00a0" };
      g_autoptr(GPtrArray) problems = NULL;

      bp_account_set_name (BP_ACCOUNT (account), empty[i]);
      problems = bp_account_validate (BP_ACCOUNT (account), G_LIST_MODEL (accounts));
      g_assert_cmpint (severity_of (problems, "name"), ==, BP_SEVERITY_ERROR);
      g_assert_true (bp_problems_has_errors (problems));
    }

  /* Unique, ignoring case and surrounding spaces. */
  for (guint i = 0; i < G_N_ELEMENTS (duplicates); i++)
    {
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("Duplicate name “%s”", duplicates[i]);
      bp_account_set_name (BP_ACCOUNT (account), duplicates[i]);
      problems = bp_account_validate (BP_ACCOUNT (account), G_LIST_MODEL (accounts));
      g_assert_cmpint (severity_of (problems, "name"), ==, BP_SEVERITY_ERROR);
      g_assert_nonnull (strstr (message_of (problems, "name"), "Acme Production"));
      g_assert_true (bp_account_is_same_name (duplicates[i], "Acme Production"));
    }

  for (guint i = 0; i < G_N_ELEMENTS (distinct); i++)
    {
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("Distinct name “%s”", distinct[i]);
      bp_account_set_name (BP_ACCOUNT (account), distinct[i]);
      problems = bp_account_validate (BP_ACCOUNT (account), G_LIST_MODEL (accounts));
      g_assert_cmpuint (problems->len, ==, 0);
      g_assert_false (bp_account_is_same_name (distinct[i], "Acme Production"));
    }

  /* The account's own name (its draft has the same id) is no conflict. */
  draft = bp_account_copy (BP_ACCOUNT (saved));
  {
    g_autoptr(GPtrArray) problems = bp_account_validate (draft, G_LIST_MODEL (accounts));

    g_assert_cmpuint (problems->len, ==, 0);
  }
  bp_account_set_name (draft, "ACME production ");
  {
    g_autoptr(GPtrArray) problems = bp_account_validate (draft, G_LIST_MODEL (accounts));

    g_assert_cmpuint (problems->len, ==, 0);
  }
  /* ...but the other account's name is. */
  bp_account_set_name (draft, "acme sandbox");
  {
    g_autoptr(GPtrArray) problems = bp_account_validate (draft, G_LIST_MODEL (accounts));

    g_assert_cmpint (severity_of (problems, "name"), ==, BP_SEVERITY_ERROR);
  }

  /* Without a list only the name's presence is checked. */
  {
    g_autoptr(GPtrArray) problems = bp_account_validate (BP_ACCOUNT (other), NULL);

    g_assert_cmpuint (problems->len, ==, 0);
  }

  {
    g_autofree char *normalized = bp_account_normalize_name ("  Ｍｙ ORG\u00a0");

    g_assert_cmpstr (normalized, ==, "my org");
  }
}

/* Every problem at once, each on its own property. */
static void
test_all_problems (void)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *text = NULL;

  bp_salesforce_account_set_url (account, "http://acme.my.salesforce.com");
  bp_salesforce_account_set_idp_certificate (account, "not a certificate");
  problems = bp_account_validate (BP_ACCOUNT (account), NULL);

  g_assert_cmpint (severity_of (problems, "name"), ==, BP_SEVERITY_ERROR);
  g_assert_cmpint (severity_of (problems, "url"), ==, BP_SEVERITY_ERROR);
  g_assert_cmpint (severity_of (problems, "idp-certificate"), ==, BP_SEVERITY_ERROR);
  g_assert_cmpint (severity_of (problems, "idp-login-url"), ==, BP_SEVERITY_ERROR);
  g_assert_cmpint (severity_of (problems, "consumer-key"), ==, NO_PROBLEM);
  g_assert_cmpuint (problems->len, ==, 4);

  text = bp_problems_to_string (problems, BP_SEVERITY_ERROR);
  {
    g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 4);
  }
}

/* Identity provider initiated login URL */

typedef struct
{
  const char *url;            /* the account's Url */
  const char *login_url;
  int         severity;
  const char *needle;
} LoginUrlCase;

static const LoginUrlCase login_url_cases[] = {
  { "", "", BP_SEVERITY_ERROR, "https://" },
  { "", "   ", BP_SEVERITY_ERROR, NULL },
  { "", "https://", NO_PROBLEM, NULL },
  { "", "/", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com/", "https://", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com/", "/", NO_PROBLEM, NULL },
  { ACME_URL, ACME_IDP_URL, NO_PROBLEM, NULL },
  { ACME_URL, "https://ACME.my.salesforce.com/idp/login?app=0sp1&RelayState=%2Fhome",
    NO_PROBLEM, NULL },
  { "", "https://other.my.salesforce.com/idp/login?app=0sp1", NO_PROBLEM, NULL },
  { "http://not valid", "https://other.my.salesforce.com/idp/login?app=0sp1", NO_PROBLEM, NULL },
  { "https://acme.my.salesforce.com/", "https://other.my.salesforce.com/idp/login?app=0sp1",
    BP_SEVERITY_WARNING, "other.my.salesforce.com" },
  { "https://acme.my.salesforce.com/", "http://acme.my.salesforce.com/idp/login",
    BP_SEVERITY_WARNING, "https://" },
  { "", "https://[broken/idp/login", BP_SEVERITY_ERROR, NULL },
  { "", "https://acme.my.salesforce.com:port/idp/login", BP_SEVERITY_ERROR, NULL },
  { "", "https://acme.my.salesforce.com/idp/%zz", BP_SEVERITY_ERROR, NULL },
  { "", "https://acme .my.salesforce.com/idp/login", BP_SEVERITY_ERROR, NULL },
  { "", "https:///idp/login", BP_SEVERITY_ERROR, NULL },
};

static void
test_idp_login_url (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (login_url_cases); i++)
    {
      const LoginUrlCase *c = &login_url_cases[i];
      g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
      g_autoptr(GPtrArray) problems = NULL;

      g_test_message ("Url “%s”, login URL “%s”", c->url, c->login_url);

      bp_salesforce_account_set_url (account, c->url);
      bp_salesforce_account_set_idp_login_url (account, c->login_url);
      problems = bp_account_validate (BP_ACCOUNT (account), NULL);

      g_assert_cmpint (severity_of (problems, "idp-login-url"), ==, c->severity);
      if (c->needle != NULL)
        g_assert_nonnull (strstr (message_of (problems, "idp-login-url"), c->needle));
    }
}

/* Identity provider certificate */

static void
test_idp_certificate (void)
{
  struct {
    GTimeSpan   not_before;
    GTimeSpan   not_after;
    int         severity;
    const char *needle;
  } cases[] = {
    /* An hour of slack keeps the whole days stable while the test runs. */
    { DAYS (-1), DAYS (365), NO_PROBLEM, NULL },
    { DAYS (-400), DAYS (-10) + G_TIME_SPAN_HOUR, BP_SEVERITY_WARNING, "expired 10 days ago" },
    { DAYS (-400), DAYS (10) + G_TIME_SPAN_HOUR, BP_SEVERITY_WARNING, "expires in 10 days" },
    { DAYS (5) - G_TIME_SPAN_HOUR, DAYS (365), BP_SEVERITY_WARNING, "valid in 5 days" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *pem = make_certificate (cases[i].not_before, cases[i].not_after);

      bp_salesforce_account_set_idp_certificate (account, pem);
      problems = bp_account_validate (BP_ACCOUNT (account), NULL);

      g_test_message ("Certificate %u: %s", i, message_of (problems, "idp-certificate"));
      g_assert_cmpint (severity_of (problems, "idp-certificate"), ==, cases[i].severity);
      if (cases[i].needle != NULL)
        g_assert_nonnull (strstr (message_of (problems, "idp-certificate"), cases[i].needle));
      g_assert_false (bp_problems_has_errors (problems));
    }

  /* Empty is fine: single sign-on is not used. */
  {
    g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
    g_autoptr(GPtrArray) problems = NULL;

    bp_salesforce_account_set_idp_certificate (account, " \n ");
    problems = bp_account_validate (BP_ACCOUNT (account), NULL);
    g_assert_cmpuint (problems->len, ==, 0);
  }

  /* Not a certificate, or two of them: an error with the certificate's own message. */
  {
    g_autofree char *first = make_certificate (-G_TIME_SPAN_DAY, 365 * G_TIME_SPAN_DAY);
    g_autofree char *second = make_certificate (-G_TIME_SPAN_DAY, 365 * G_TIME_SPAN_DAY);
    g_autofree char *both = g_strconcat (first, second, NULL);
    const char *bad[] = { "garbage", both };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
        g_autoptr(GPtrArray) problems = NULL;
        g_autoptr(GError) error = NULL;
        g_autoptr(BpCertificate) certificate = NULL;

        certificate = bp_certificate_new_from_text (bad[i], BP_CERTIFICATE_PARSE_DEFAULT, &error);
        g_assert_null (certificate);
        g_assert_nonnull (error);

        bp_salesforce_account_set_idp_certificate (account, bad[i]);
        problems = bp_account_validate (BP_ACCOUNT (account), NULL);
        g_assert_cmpint (severity_of (problems, "idp-certificate"), ==, BP_SEVERITY_ERROR);
        g_assert_cmpstr (message_of (problems, "idp-certificate"), ==, error->message);
      }
  }
}

/* Notifications */

typedef struct
{
  guint  count;
  char  *last;
} NotifyLog;

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    user_data)
{
  NotifyLog *log = user_data;

  log->count++;
  g_free (log->last);
  log->last = g_strdup (pspec->name);
}

/* Sets @first then @second, each twice: exactly one notification of
 * @property per real change, none for the same value, none for others. */
static void
check_notify (GObject      *object,
              const char   *property,
              const GValue *first,
              const GValue *second)
{
  NotifyLog log = { 0, NULL };
  gulong handler = g_signal_connect (object, "notify", G_CALLBACK (notified_cb), &log);

  g_test_message ("Property “%s”", property);

  g_object_set_property (object, property, first);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpstr (log.last, ==, property);

  g_object_set_property (object, property, first);
  g_assert_cmpuint (log.count, ==, 1);

  g_object_set_property (object, property, second);
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpstr (log.last, ==, property);

  g_object_set_property (object, property, second);
  g_assert_cmpuint (log.count, ==, 2);

  g_signal_handler_disconnect (object, handler);
  g_free (log.last);
}

static void
check_string_notify (GObject    *object,
                     const char *property,
                     const char *first,
                     const char *second)
{
  g_auto(GValue) value_first = G_VALUE_INIT;
  g_auto(GValue) value_second = G_VALUE_INIT;

  g_value_init (&value_first, G_TYPE_STRING);
  g_value_init (&value_second, G_TYPE_STRING);
  g_value_set_string (&value_first, first);
  g_value_set_string (&value_second, second);

  check_notify (object, property, &value_first, &value_second);
}

static void
test_notify (void)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  GObject *object = G_OBJECT (account);
  g_autoptr(GDateTime) first_time = g_date_time_new_utc (2024, 5, 1, 9, 30, 0);
  g_autoptr(GDateTime) second_time = g_date_time_new_utc (2024, 6, 1, 9, 30, 0);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (2 * 3600);
  g_autoptr(GDateTime) second_elsewhere = g_date_time_to_timezone (second_time, zone);
  g_auto(GValue) first = G_VALUE_INIT;
  g_auto(GValue) second = G_VALUE_INIT;
  NotifyLog log = { 0, NULL };
  gulong handler;

  check_string_notify (object, "name", "Acme", "Acme 2");
  check_string_notify (object, "url", ACME_URL, "https://acme.my.salesforce.com");
  check_string_notify (object, "consumer-key", "key-1", "key-2");
  check_string_notify (object, "consumer-secret", "secret-1", "secret-2");
  check_string_notify (object, "authorized-user", "a@example.com", "b@example.com");
  check_string_notify (object, "idp-certificate", "pem-1", "pem-2");
  check_string_notify (object, "idp-login-url", "https://", "/");

  g_value_init (&first, G_TYPE_BOOLEAN);
  g_value_init (&second, G_TYPE_BOOLEAN);
  g_value_set_boolean (&first, TRUE);
  g_value_set_boolean (&second, FALSE);
  check_notify (object, "is-default", &first, &second);
  check_notify (object, "sandbox", &first, &second);
  g_value_unset (&first);
  g_value_unset (&second);

  g_value_init (&first, BP_TYPE_TOKEN_STATE);
  g_value_init (&second, BP_TYPE_TOKEN_STATE);
  g_value_set_enum (&first, BP_TOKEN_STATE_VALID);
  g_value_set_enum (&second, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  check_notify (object, "token-state", &first, &second);
  g_value_unset (&first);
  g_value_unset (&second);

  g_value_init (&first, G_TYPE_DATE_TIME);
  g_value_init (&second, G_TYPE_DATE_TIME);
  g_value_set_boxed (&first, first_time);
  g_value_set_boxed (&second, second_time);
  check_notify (object, "token-issued-at", &first, &second);

  handler = g_signal_connect (object, "notify", G_CALLBACK (notified_cb), &log);

  /* The same instant in another time zone is no change; NULL is. */
  bp_salesforce_account_set_token_issued_at (account, second_elsewhere);
  g_assert_cmpuint (log.count, ==, 0);
  bp_salesforce_account_set_token_issued_at (account, NULL);
  g_assert_cmpuint (log.count, ==, 1);
  bp_salesforce_account_set_token_issued_at (account, NULL);
  g_assert_cmpuint (log.count, ==, 1);

  /* NULL is "" for the text properties. */
  log.count = 0;
  bp_salesforce_account_set_url (account, "");
  g_assert_cmpuint (log.count, ==, 1);
  bp_salesforce_account_set_url (account, NULL);
  bp_salesforce_account_set_consumer_key (account, "");
  bp_salesforce_account_set_consumer_key (account, NULL);
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpstr (bp_salesforce_account_get_url (account), ==, "");

  /* The setters notify like the properties do. */
  log.count = 0;
  bp_account_set_name (BP_ACCOUNT (account), "Acme 2");
  bp_account_set_is_default (BP_ACCOUNT (account), FALSE);
  bp_salesforce_account_set_sandbox (account, FALSE);
  bp_salesforce_account_set_token_state (account, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  g_assert_cmpuint (log.count, ==, 0);
  bp_salesforce_account_set_sandbox (account, TRUE);
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpstr (log.last, ==, "sandbox");

  g_signal_handler_disconnect (object, handler);
  g_free (log.last);
}

/* Secrets */

static void
test_secrets (void)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  BpAccount *base = BP_ACCOUNT (account);
  const char * const *kinds = bp_account_get_secret_kinds (base);
  NotifyLog log = { 0, NULL };
  g_auto(GStrv) known = NULL;
  g_autofree char *property_value = NULL;

  g_assert_cmpuint (g_strv_length ((char **) kinds), ==, 2);
  g_assert_cmpstr (kinds[0], ==, BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (kinds[1], ==, BP_SECRET_KIND_REFRESH_TOKEN);

  g_signal_connect (account, "notify", G_CALLBACK (notified_cb), &log);

  /* Unknown until loaded or typed. */
  g_assert_false (bp_account_is_secret_known (base, BP_SECRET_KIND_CONSUMER_SECRET));
  g_assert_null (bp_account_get_secret (base, BP_SECRET_KIND_CONSUMER_SECRET));
  g_assert_null (bp_salesforce_account_get_consumer_secret (account));
  known = bp_account_list_known_secrets (base);
  g_assert_cmpuint (g_strv_length (known), ==, 0);
  g_clear_pointer (&known, g_strfreev);

  /* NULL: known and empty. */
  bp_account_set_secret (base, BP_SECRET_KIND_CONSUMER_SECRET, NULL);
  g_assert_true (bp_account_is_secret_known (base, BP_SECRET_KIND_CONSUMER_SECRET));
  g_assert_cmpstr (bp_account_get_secret (base, BP_SECRET_KIND_CONSUMER_SECRET), ==, "");
  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpstr (log.last, ==, "consumer-secret");
  bp_account_set_secret (base, BP_SECRET_KIND_CONSUMER_SECRET, "");
  g_assert_cmpuint (log.count, ==, 1);

  /* The property and the secret are one storage. */
  bp_salesforce_account_set_consumer_secret (account, "s3cret");
  g_assert_cmpuint (log.count, ==, 2);
  g_assert_cmpstr (bp_account_get_secret (base, BP_SECRET_KIND_CONSUMER_SECRET), ==, "s3cret");
  bp_account_set_secret (base, BP_SECRET_KIND_CONSUMER_SECRET, "s3cret-2");
  g_assert_cmpuint (log.count, ==, 3);
  g_object_get (account, "consumer-secret", &property_value, NULL);
  g_assert_cmpstr (property_value, ==, "s3cret-2");

  /* A secret without a property notifies nothing. */
  bp_account_set_secret (base, BP_SECRET_KIND_REFRESH_TOKEN, "refresh");
  g_assert_cmpuint (log.count, ==, 3);
  g_assert_cmpstr (bp_account_get_secret (base, BP_SECRET_KIND_REFRESH_TOKEN), ==, "refresh");

  known = bp_account_list_known_secrets (base);
  g_assert_cmpuint (g_strv_length (known), ==, 2);
  g_assert_cmpstr (known[0], ==, BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpstr (known[1], ==, BP_SECRET_KIND_REFRESH_TOKEN);
  g_clear_pointer (&known, g_strfreev);

  /* Forgetting makes it unknown again, and notifies once. */
  bp_account_forget_secret (base, BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpuint (log.count, ==, 4);
  g_assert_false (bp_account_is_secret_known (base, BP_SECRET_KIND_CONSUMER_SECRET));
  g_assert_null (bp_salesforce_account_get_consumer_secret (account));
  bp_account_forget_secret (base, BP_SECRET_KIND_CONSUMER_SECRET);
  g_assert_cmpuint (log.count, ==, 4);

  known = bp_account_list_known_secrets (base);
  g_assert_cmpuint (g_strv_length (known), ==, 1);
  g_assert_cmpstr (known[0], ==, BP_SECRET_KIND_REFRESH_TOKEN);

  g_signal_handlers_disconnect_by_data (account, &log);
  g_free (log.last);
}

/* Copies */

static void
test_copy (void)
{
  g_autoptr(BpSalesforceAccount) full = new_full_account ();
  g_autoptr(BpAccount) original = NULL;
  g_autoptr(BpAccount) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *original_text = NULL;
  g_autofree char *copy_text = NULL;
  g_autoptr(GDateTime) other_time = g_date_time_new_utc (2030, 1, 1, 0, 0, 0);

  /* Give it unknown members, as a file from a newer version would. */
  text = account_to_string (BP_ACCOUNT (full));
  g_assert_true (g_str_has_suffix (text, "}"));
  text[strlen (text) - 1] = '\0';
  {
    g_autofree char *extended = g_strconcat (text,
                                             ",\"future-member\":{\"nested\":[1,2,{\"x\":true}]},"
                                             "\"future-number\":42}", NULL);

    original = account_from_string (extended, &error);
    g_assert_no_error (error);
  }
  bp_account_set_secret (original, BP_SECRET_KIND_CONSUMER_SECRET, SECRET_VALUE);
  bp_account_set_secret (original, BP_SECRET_KIND_REFRESH_TOKEN, TOKEN_VALUE);
  assert_same_properties (original, BP_ACCOUNT (full));

  copy = bp_account_copy (original);
  g_assert_true (copy != original);
  g_assert_true (G_OBJECT_TYPE (copy) == BP_TYPE_SALESFORCE_ACCOUNT);
  g_assert_cmpstr (bp_account_get_id (copy), ==, bp_account_get_id (original));
  assert_same_properties (copy, original);

  /* Secrets and unknown members come along. */
  g_assert_cmpstr (bp_account_get_secret (copy, BP_SECRET_KIND_CONSUMER_SECRET), ==, SECRET_VALUE);
  g_assert_cmpstr (bp_account_get_secret (copy, BP_SECRET_KIND_REFRESH_TOKEN), ==, TOKEN_VALUE);
  original_text = account_to_string (original);
  copy_text = account_to_string (copy);
  g_assert_cmpstr (copy_text, ==, original_text);
  g_assert_nonnull (strstr (copy_text, "\"future-member\":{\"nested\":[1,2,{\"x\":true}]}"));
  g_assert_nonnull (strstr (copy_text, "\"future-number\":42"));

  /* An unknown secret stays unknown in the copy. */
  {
    g_autoptr(BpSalesforceAccount) plain = new_account ("Plain");
    g_autoptr(BpAccount) plain_copy = bp_account_copy (BP_ACCOUNT (plain));

    g_assert_false (bp_account_is_secret_known (plain_copy, BP_SECRET_KIND_CONSUMER_SECRET));
    g_assert_false (bp_account_is_secret_known (plain_copy, BP_SECRET_KIND_REFRESH_TOKEN));
    assert_same_properties (plain_copy, BP_ACCOUNT (plain));
  }

  /* Independent: changing the copy leaves the original alone. */
  bp_account_set_name (copy, "Changed");
  bp_account_set_is_default (copy, FALSE);
  g_object_set (copy,
                "url", OTHER_URL,
                "sandbox", FALSE,
                "consumer-key", "other-key",
                "consumer-secret", "other-secret",
                "token-state", BP_TOKEN_STATE_NONE,
                "token-issued-at", other_time,
                "authorized-user", "other@example.com",
                "idp-certificate", "",
                "idp-login-url", "/",
                NULL);
  bp_account_forget_secret (copy, BP_SECRET_KIND_REFRESH_TOKEN);
  {
    JsonObject *object = bp_account_to_json (copy);

    json_object_remove_member (json_object_get_object_member (object, "future-member"), "nested");
    json_object_unref (object);
  }

  assert_same_properties (original, BP_ACCOUNT (full));
  g_assert_cmpstr (bp_account_get_secret (original, BP_SECRET_KIND_CONSUMER_SECRET), ==,
                   SECRET_VALUE);
  g_assert_cmpstr (bp_account_get_secret (original, BP_SECRET_KIND_REFRESH_TOKEN), ==, TOKEN_VALUE);
  {
    g_autofree char *after = account_to_string (original);
    g_autofree char *copy_after = account_to_string (copy);

    g_assert_cmpstr (after, ==, original_text);
    g_assert_nonnull (strstr (copy_after, "\"future-member\":{\"nested\":[1,2,{\"x\":true}]}"));
  }
}

/* JSON */

static void
test_json_round_trip (void)
{
  const BpTokenState states[] = {
    BP_TOKEN_STATE_NONE, BP_TOKEN_STATE_VALID, BP_TOKEN_STATE_NEEDS_NEW_TOKEN,
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    {
      g_autoptr(BpSalesforceAccount) account = new_full_account ();
      g_autoptr(BpAccount) read = NULL;

      bp_salesforce_account_set_token_state (account, states[i]);
      read = round_trip (BP_ACCOUNT (account));

      /* Secrets are not in the file: the read account does not know them. */
      g_assert_false (bp_account_is_secret_known (read, BP_SECRET_KIND_CONSUMER_SECRET));
      g_assert_false (bp_account_is_secret_known (read, BP_SECRET_KIND_REFRESH_TOKEN));
      bp_salesforce_account_set_consumer_secret (BP_SALESFORCE_ACCOUNT (read), SECRET_VALUE);

      assert_same_properties (read, BP_ACCOUNT (account));
      g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (read)), ==,
                       states[i]);
    }

  /* Microseconds and the time zone of token-issued-at survive. */
  {
    g_autoptr(BpSalesforceAccount) account = new_full_account ();
    g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-5 * 3600);
    g_autoptr(GDateTime) issued_at = g_date_time_new (zone, 2023, 12, 31, 22, 15, 1.123456);
    g_autoptr(BpAccount) read = NULL;
    g_autofree char *text = NULL;
    GDateTime *read_issued_at;

    bp_salesforce_account_set_token_issued_at (account, issued_at);
    text = account_to_string (BP_ACCOUNT (account));
    g_assert_nonnull (strstr (text, "\"token-issued-at\":\"2024-01-01T03:15:01.123456Z\""));
    g_assert_nonnull (strstr (text, "\"token-state\":\"valid\""));
    g_assert_nonnull (strstr (text, "\"type\":\"salesforce\""));
    g_assert_nonnull (strstr (text, "\"default\":true"));

    read = round_trip (BP_ACCOUNT (account));
    read_issued_at = bp_salesforce_account_get_token_issued_at (BP_SALESFORCE_ACCOUNT (read));
    g_assert_nonnull (read_issued_at);
    g_assert_true (g_date_time_equal (read_issued_at, issued_at));
    g_assert_cmpint (g_date_time_get_utc_offset (read_issued_at), ==, 0);
  }

  /* A hand-edited file's time in another zone is read as UTC too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(BpAccount) read = account_from_string (
      SALESFORCE ",\"name\":\"Acme\",\"token-issued-at\":\"2024-05-01T11:30:00+02:00\"}", &error);
    GDateTime *read_issued_at;

    g_assert_no_error (error);
    read_issued_at = bp_salesforce_account_get_token_issued_at (BP_SALESFORCE_ACCOUNT (read));
    g_assert_nonnull (read_issued_at);
    g_assert_cmpint (g_date_time_get_utc_offset (read_issued_at), ==, 0);
    g_assert_cmpint (g_date_time_get_hour (read_issued_at), ==, 9);
  }

  /* A new account writes every member it knows, and token-issued-at only with a token. */
  {
    g_autoptr(BpSalesforceAccount) account = new_account ("Fresh");
    g_autoptr(JsonObject) object = bp_account_to_json (BP_ACCOUNT (account));
    const char *members[] = {
      "id", "type", "name", "default", "url", "sandbox", "consumer-key", "token-state",
      "authorized-user", "idp-certificate", "idp-login-url",
    };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      g_assert_true (json_object_has_member (object, members[i]));
    g_assert_false (json_object_has_member (object, "token-issued-at"));
    g_assert_cmpuint (json_object_get_size (object), ==, G_N_ELEMENTS (members));
    g_assert_true (g_uuid_string_is_valid (json_object_get_string_member (object, "id")));
    g_assert_cmpstr (json_object_get_string_member (object, "token-state"), ==, "none");
  }
}

static void
test_json_url_normalized (void)
{
  g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
  g_autoptr(JsonObject) object = NULL;

  /* As typed in memory, normalised in the file. */
  bp_salesforce_account_set_url (account, "  https://ACME.my.salesforce.com ");
  g_assert_cmpstr (bp_salesforce_account_get_url (account), ==,
                   "  https://ACME.my.salesforce.com ");
  object = bp_account_to_json (BP_ACCOUNT (account));
  g_assert_cmpstr (json_object_get_string_member (object, "url"), ==, ACME_URL);
}

static void
test_json_unknown_members (void)
{
  const char *text =
    SALESFORCE ",\"name\":\"Acme\","
    "\"default\":false,\"token-issued-at\":\"2024-05-01T09:30:00Z\",\"token-state\":\"valid\","
    "\"x-future\":{\"list\":[\"a\",null,3.5],\"flag\":false},\"x-count\":7,\"x-null\":null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(BpAccount) account = account_from_string (text, &error);
  g_autoptr(BpAccount) again = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (bp_account_get_id (account), ==, ACCOUNT_ID);
  g_assert_cmpstr (bp_account_get_name (account), ==, "Acme");
  g_assert_cmpstr (bp_account_get_type_id (account), ==, "salesforce");

  /* Absent members are defaults. */
  g_assert_cmpstr (bp_salesforce_account_get_url (BP_SALESFORCE_ACCOUNT (account)), ==, "");
  g_assert_false (bp_salesforce_account_get_sandbox (BP_SALESFORCE_ACCOUNT (account)));

  written = account_to_string (account);
  g_assert_nonnull (strstr (written, "\"x-future\":{\"list\":[\"a\",null,3.5],\"flag\":false}"));
  g_assert_nonnull (strstr (written, "\"x-count\":7"));
  g_assert_nonnull (strstr (written, "\"x-null\":null"));

  /* Twice round, nothing changes. */
  again = account_from_string (written, &error);
  g_assert_no_error (error);
  written_again = account_to_string (again);
  g_assert_cmpstr (written_again, ==, written);

  /* A member this version knows and that becomes absent is removed, not kept. */
  bp_salesforce_account_set_token_issued_at (BP_SALESFORCE_ACCOUNT (again), NULL);
  {
    g_autofree char *without = account_to_string (again);

    g_assert_null (strstr (without, "token-issued-at"));
    g_assert_nonnull (strstr (without, "\"x-count\":7"));
  }

  /* An unknown token state from a newer version: the token needs renewing. */
  {
    g_autoptr(BpAccount) future = account_from_string (
      SALESFORCE ",\"token-state\":\"quantum\"}",
      &error);

    g_assert_no_error (error);
    g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (future)), ==,
                     BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  }
}

static void
test_json_no_secrets (void)
{
  g_autoptr(BpSalesforceAccount) account = new_full_account ();
  g_autofree char *text = account_to_string (BP_ACCOUNT (account));
  g_autoptr(GError) error = NULL;

  bp_test_assert_no_substring (text, -1, SECRET_VALUE);
  bp_test_assert_no_substring (text, -1, TOKEN_VALUE);
  bp_test_assert_no_substring (text, -1, "consumer-secret");
  bp_test_assert_no_substring (text, -1, "refresh-token");

  /* A hand-edited file with a secret in it: the secret is neither read nor written back. */
  {
    g_autoptr(BpAccount) read = account_from_string (
      SALESFORCE ",\"name\":\"Acme\","
      "\"consumer-secret\":\"Leaked-Secret-991\",\"refresh-token\":\"Leaked-Token-992\"}",
      &error);
    g_autofree char *written = NULL;

    g_assert_no_error (error);
    g_assert_false (bp_account_is_secret_known (read, BP_SECRET_KIND_CONSUMER_SECRET));
    /* Not even kept in memory, to be written back. */
    g_assert_null (bp_account_peek_unknown_members (read));
    written = account_to_string (read);
    bp_test_assert_no_substring (written, -1, "Leaked-Secret-991");
    bp_test_assert_no_substring (written, -1, "Leaked-Token-992");
  }
}

static void
test_json_errors (void)
{
  const struct {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"type\":\"salesforce\",\"name\":\"Acme\"}", "id" },
    { "{\"id\":42,\"type\":\"salesforce\"}", "id" },
    { "{\"id\":\"not-a-uuid\",\"type\":\"salesforce\"}", "not-a-uuid" },
    { "{\"id\":\"" ACCOUNT_ID "\"}", "type" },
    { "{\"id\":\"" ACCOUNT_ID "\",\"type\":\"zendesk\"}", "zendesk" },
    { "{\"id\":\"" ACCOUNT_ID "\",\"type\":[\"salesforce\"]}", "type" },
    { SALESFORCE ",\"name\":7}", "name" },
    { SALESFORCE ",\"default\":\"yes\"}", "default" },
    { SALESFORCE ",\"url\":{}}", "url" },
    { SALESFORCE ",\"sandbox\":1}", "sandbox" },
    { SALESFORCE ",\"consumer-key\":true}", "consumer-key" },
    { SALESFORCE ",\"token-state\":2}", "token-state" },
    { SALESFORCE ",\"token-issued-at\":1714555800}", "token-issued-at" },
    { SALESFORCE ",\"token-issued-at\":\"yesterday\"}", "yesterday" },
    { SALESFORCE ",\"authorized-user\":[]}", "authorized-user" },
    { SALESFORCE ",\"idp-certificate\":1.5}", "idp-certificate" },
    { SALESFORCE ",\"idp-login-url\":false}", "idp-login-url" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BpAccount) account = account_from_string (cases[i].json, &error);

      g_test_message ("%s → %s", cases[i].json, error != NULL ? error->message : "(no error)");
      g_assert_null (account);
      g_assert_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

/* Applying a draft */

static BpSalesforceAccount *
new_saved_account_with_token (void)
{
  g_autoptr(GDateTime) issued_at = g_date_time_new_utc (2024, 5, 1, 9, 30, 0);
  BpSalesforceAccount *saved = new_account ("Acme");

  bp_salesforce_account_set_url (saved, "https://acme.my.salesforce.com/");
  bp_salesforce_account_set_consumer_key (saved, "key-1");
  bp_salesforce_account_set_token_state (saved, BP_TOKEN_STATE_VALID);
  bp_salesforce_account_set_token_issued_at (saved, issued_at);

  return saved;
}

static void
test_applied_over (void)
{
  const struct {
    const char  *property;
    const char  *text;        /* for text properties */
    gboolean     boolean;     /* for sandbox / is-default */
    BpTokenState expected;
  } cases[] = {
    { "url", OTHER_URL, FALSE, BP_TOKEN_STATE_NEEDS_NEW_TOKEN },
    { "url", "", FALSE, BP_TOKEN_STATE_NEEDS_NEW_TOKEN },
    { "url", "https://ACME.my.salesforce.com", FALSE, BP_TOKEN_STATE_VALID },
    { "url", " https://acme.my.salesforce.com// ", FALSE, BP_TOKEN_STATE_VALID },
    { "sandbox", NULL, TRUE, BP_TOKEN_STATE_NEEDS_NEW_TOKEN },
    { "consumer-key", "key-2", FALSE, BP_TOKEN_STATE_NEEDS_NEW_TOKEN },
    { "name", "Acme renamed", FALSE, BP_TOKEN_STATE_VALID },
    { "is-default", NULL, TRUE, BP_TOKEN_STATE_VALID },
    { "idp-login-url", "https://", FALSE, BP_TOKEN_STATE_VALID },
    { "consumer-secret", "new-secret", FALSE, BP_TOKEN_STATE_VALID },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BpSalesforceAccount) saved = new_saved_account_with_token ();
      g_autoptr(BpAccount) draft = bp_account_copy (BP_ACCOUNT (saved));

      g_test_message ("Changing %s", cases[i].property);

      if (cases[i].text != NULL)
        g_object_set (draft, cases[i].property, cases[i].text, NULL);
      else
        g_object_set (draft, cases[i].property, cases[i].boolean, NULL);

      /* What the form warns about before Apply is what Apply does. */
      g_assert_cmpstr (bp_salesforce_account_changes_token_owner (BP_SALESFORCE_ACCOUNT (draft), saved), ==,
                       cases[i].expected == BP_TOKEN_STATE_NEEDS_NEW_TOKEN ? cases[i].property : NULL);
      bp_account_applied_over (draft, BP_ACCOUNT (saved));
      g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (draft)), ==,
                       cases[i].expected);
      /* The saved account is left alone. */
      g_assert_cmpint (bp_salesforce_account_get_token_state (saved), ==, BP_TOKEN_STATE_VALID);
    }

  /* Already needing a new token: stays so. Without a token: nothing to mark. */
  {
    g_autoptr(BpSalesforceAccount) saved = new_saved_account_with_token ();
    g_autoptr(BpAccount) draft = NULL;

    bp_salesforce_account_set_token_state (saved, BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
    draft = bp_account_copy (BP_ACCOUNT (saved));
    bp_salesforce_account_set_sandbox (BP_SALESFORCE_ACCOUNT (draft), TRUE);
    bp_account_applied_over (draft, BP_ACCOUNT (saved));
    g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (draft)), ==,
                     BP_TOKEN_STATE_NEEDS_NEW_TOKEN);
  }
  {
    g_autoptr(BpSalesforceAccount) saved = new_account ("Acme");
    g_autoptr(BpAccount) draft = bp_account_copy (BP_ACCOUNT (saved));

    bp_salesforce_account_set_url (BP_SALESFORCE_ACCOUNT (draft), OTHER_URL);
    bp_account_applied_over (draft, BP_ACCOUNT (saved));
    g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (draft)), ==,
                     BP_TOKEN_STATE_NONE);
  }

  /* A token requested in the draft, after the Url changed, belongs to the new Url. */
  {
    g_autoptr(BpSalesforceAccount) saved = new_saved_account_with_token ();
    g_autoptr(BpAccount) draft = bp_account_copy (BP_ACCOUNT (saved));
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    bp_salesforce_account_set_url (BP_SALESFORCE_ACCOUNT (draft), OTHER_URL);
    bp_salesforce_account_set_token_issued_at (BP_SALESFORCE_ACCOUNT (draft), now);
    bp_account_applied_over (draft, BP_ACCOUNT (saved));
    g_assert_cmpint (bp_salesforce_account_get_token_state (BP_SALESFORCE_ACCOUNT (draft)), ==,
                     BP_TOKEN_STATE_VALID);
  }
}

static void
test_check_can_request_token (void)
{
  g_autoptr(BpSalesforceAccount) account = new_account ("Acme");
  g_autoptr(GError) error = NULL;

  g_assert_false (bp_salesforce_check_can_request_token (account, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Consumer key"));
  g_clear_error (&error);

  bp_salesforce_account_set_consumer_key (account, "   ");
  g_assert_false (bp_salesforce_check_can_request_token (account, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID);
  g_clear_error (&error);

  /* The Url may be empty (login.salesforce.com)... */
  bp_salesforce_account_set_consumer_key (account, "3MVG9key");
  g_assert_true (bp_salesforce_check_can_request_token (account, &error));
  g_assert_no_error (error);

  /* ...but not invalid. */
  bp_salesforce_account_set_url (account, "http://acme.my.salesforce.com");
  g_assert_false (bp_salesforce_check_can_request_token (account, &error));
  g_assert_error (error, BP_ERROR, BP_ERROR_INVALID_URL);
  g_assert_nonnull (strstr (error->message, "Url"));
  g_clear_error (&error);

  /* Warnings do not stop it. */
  bp_salesforce_account_set_url (account, "https://acme.lightning.force.com");
  g_assert_true (bp_salesforce_check_can_request_token (account, &error));
  g_assert_no_error (error);
}

/* Types and ids */

static void
test_types (void)
{
  g_autoptr(BpSalesforceAccount) account = bp_salesforce_account_new ();
  BpAccountClass *klass = BP_ACCOUNT_GET_CLASS (account);
  g_autofree char *type_name = NULL;
  const GType *types;
  guint n_types = 0;

  types = bp_account_list_types (&n_types);
  g_assert_cmpuint (n_types, ==, 1);
  g_assert_true (types[0] == BP_TYPE_SALESFORCE_ACCOUNT);
  g_assert_true (types[1] == G_TYPE_INVALID);

  g_assert_true (bp_account_type_from_id ("salesforce") == BP_TYPE_SALESFORCE_ACCOUNT);
  g_assert_true (bp_account_type_from_id ("zendesk") == G_TYPE_INVALID);
  g_assert_true (bp_account_type_from_id ("") == G_TYPE_INVALID);

  g_assert_cmpstr (bp_account_get_type_id (BP_ACCOUNT (account)), ==, "salesforce");
  g_assert_cmpstr (bp_account_get_type_name (BP_ACCOUNT (account)), ==, "Salesforce.com");
  g_object_get (account, "type-name", &type_name, NULL);
  g_assert_cmpstr (type_name, ==, "Salesforce.com");
  g_assert_cmpstr (klass->description, !=, NULL);
  g_assert_cmpstr (klass->description, !=, "");
  g_assert_cmpstr (klass->icon_name, !=, NULL);

  /* type-name is read-only. */
  g_assert_cmpint (g_object_class_find_property (G_OBJECT_GET_CLASS (account), "type-name")->flags
                   & G_PARAM_WRITABLE, ==, 0);
}

static void
test_id (void)
{
  g_autoptr(BpSalesforceAccount) a = bp_salesforce_account_new ();
  g_autoptr(BpSalesforceAccount) b = bp_salesforce_account_new ();
  g_autoptr(BpAccount) given = g_object_new (BP_TYPE_SALESFORCE_ACCOUNT,
                                             "id", ACCOUNT_ID,
                                             NULL);

  g_assert_true (g_uuid_string_is_valid (bp_account_get_id (BP_ACCOUNT (a))));
  g_assert_true (g_uuid_string_is_valid (bp_account_get_id (BP_ACCOUNT (b))));
  g_assert_cmpstr (bp_account_get_id (BP_ACCOUNT (a)), !=, bp_account_get_id (BP_ACCOUNT (b)));
  g_assert_cmpstr (bp_account_get_id (given), ==, ACCOUNT_ID);

  g_assert_cmpint (g_object_class_find_property (G_OBJECT_GET_CLASS (a), "id")->flags
                   & G_PARAM_CONSTRUCT_ONLY, !=, 0);
}

int
main (int   argc,
      char *argv[])
{
  int result;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/account/problems", test_problems);
  g_test_add_func ("/account/id", test_id);
  g_test_add_func ("/account/types", test_types);
  g_test_add_func ("/account/url/normalize", test_url_normalize);
  g_test_add_func ("/account/url/validate", test_url_validate);
  g_test_add_func ("/account/name", test_name);
  g_test_add_func ("/account/sort-key", test_sort_key);
  g_test_add_func ("/account/search-texts", test_search_texts);
  g_test_add_func ("/account/all-problems", test_all_problems);
  g_test_add_func ("/account/idp-login-url", test_idp_login_url);
  g_test_add_func ("/account/idp-certificate", test_idp_certificate);
  g_test_add_func ("/account/notify", test_notify);
  g_test_add_func ("/account/secrets", test_secrets);
  g_test_add_func ("/account/copy", test_copy);
  g_test_add_func ("/account/json/round-trip", test_json_round_trip);
  g_test_add_func ("/account/json/url-normalized", test_json_url_normalized);
  g_test_add_func ("/account/json/unknown-members", test_json_unknown_members);
  g_test_add_func ("/account/json/no-secrets", test_json_no_secrets);
  g_test_add_func ("/account/json/errors", test_json_errors);
  g_test_add_func ("/account/applied-over", test_applied_over);
  g_test_add_func ("/account/check-can-request-token", test_check_can_request_token);

  result = g_test_run ();

  if (test_key != NULL)
    gnutls_x509_privkey_deinit (test_key);

  return result;
}
