/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-bench-generate"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <json-glib/json-glib.h>

#include "bp-account-store.h"
#include "bp-salesforce-account.h"

/* Writes store files of realistic Salesforce.com accounts for build-aux/bench:
 *
 *   bp-bench-generate DIR N...      e.g. bp-bench-generate build-bench/bench 1000 10000
 *
 * writes DIR/accounts-N.json for each N. The accounts are the same for every
 * N (the first N of one deterministic sequence): a tenant name, a My Domain
 * Url (a fifth of them sandboxes), an 85-character consumer key, a token
 * state with its date and user, and for 70 % of them an identity provider
 * certificate as Salesforce issues them (self-signed RSA-2048, SHA-256,
 * "SelfSignedCert_…"; some expired, some expiring soon) with its IdP login
 * URL. Certificates are signed with GnuTLS using a small pool of keys (key
 * generation is the slow part and no reader can tell). Each account goes
 * through BpSalesforceAccount and bp_account_to_json(), and the file is
 * pretty-printed as BpAccountStore writes it, so it is what the application
 * itself would have saved. */

#define N_KEYS 8

static const char * const first_words[] = {
  "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent",
  "Hooli", "Vandelay", "Pied Piper", "Aperture", "Black Mesa", "Oscorp", "Gringotts", "Monarch", "Nakatomi",
  "Dunder Mifflin", "Bluth", "Prestige", "Sterling", "Massive", "Virtucon", "Duff", "Krusty", "Zorg",
  "Ollivander", "Wernham Hogg", "Blue Sun", "Rekall", "Omni", "Weyland", "Yoyodyne", "Spacely", "Cogswell",
  "Kramerica", "Gekko", "Bubba Gump",
};

static const char * const second_words[] = {
  "Logistics", "Health", "Insurance", "Telecom", "Energy", "Retail", "Travel", "Banking", "Foods",
  "Motors", "Media", "Pharma", "Utilities", "Airlines", "Hotels", "Realty", "Education", "Security",
  "Shipping", "Software",
};

static const char * const regions[] = {
  "North America", "EMEA", "APAC", "LATAM", "UK", "DACH", "Nordics", "Japan", "Australia", "Canada",
};

static const char * const purposes[] = {
  "Production", "Support", "Sales", "Service Cloud", "Collections", "Outbound", "Billing", "Staging",
};

static char *
slugify (const char *text)
{
  GString *slug = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (slug, g_ascii_tolower (*p));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }

  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);

  return g_string_free (slug, FALSE);
}

static char *
random_chars (GRand      *rand,
              const char *alphabet,
              guint       length)
{
  gsize n = strlen (alphabet);
  char *text = g_malloc (length + 1);

  for (guint i = 0; i < length; i++)
    text[i] = alphabet[g_rand_int_range (rand, 0, (gint32) n)];
  text[length] = '\0';

  return text;
}

/* A UUID version 4 from the seeded generator, so every run writes the same ids. */
static char *
random_uuid (GRand *rand)
{
  guint8 bytes[16];

  for (guint i = 0; i < 16; i++)
    bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                          bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
}

#define CHECK(call) G_STMT_START { int _ret = (call); \
  if (_ret < 0) g_error ("%s: %s", #call, gnutls_strerror (_ret)); } G_STMT_END

static char *
make_certificate (GRand                *rand,
                  gnutls_x509_privkey_t key,
                  guint                 index,
                  const char           *org_id,
                  gint64                now)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t pem = { NULL, 0 };
  g_autofree char *cn = NULL;
  g_autofree char *ou = NULL;
  guint8 serial[9];
  gint64 issued;
  guint kind = g_rand_int_range (rand, 0, 10);
  char *text;

  /* Salesforce's self-signed certificates last a year (or two); 10 % have
   * expired and 10 % expire within the month. */
  if (kind == 0)
    issued = now - (400 + g_rand_int_range (rand, 0, 300)) * G_GINT64_CONSTANT (86400);
  else if (kind == 1)
    issued = now - (340 + g_rand_int_range (rand, 0, 20)) * G_GINT64_CONSTANT (86400);
  else
    issued = now - g_rand_int_range (rand, 1, 300) * G_GINT64_CONSTANT (86400);

  {
    g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (issued);
    g_autofree char *stamp = g_date_time_format (date, "%d%b%Y_%H%M%S");

    cn = g_strdup_printf ("SelfSignedCert_%s_%u", stamp, index);
  }
  ou = g_strdup_printf ("%s", org_id);

  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_rand_int_range (rand, 0, 256);
  serial[0] = (serial[0] & 0x7f) | 0x01;

  CHECK (gnutls_x509_crt_init (&crt));
  CHECK (gnutls_x509_crt_set_version (crt, 3));
  CHECK (gnutls_x509_crt_set_serial (crt, serial, sizeof serial));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, ou, strlen (ou)));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Salesforce.com", 14));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_LOCALITY_NAME, 0, "San Francisco", 13));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, 0, "CA", 2));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "US", 2));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0, ou, strlen (ou)));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, "Salesforce.com", 14));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_LOCALITY_NAME, 0, "San Francisco", 13));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, 0, "CA", 2));
  CHECK (gnutls_x509_crt_set_issuer_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "US", 2));
  CHECK (gnutls_x509_crt_set_activation_time (crt, (time_t) issued));
  CHECK (gnutls_x509_crt_set_expiration_time (crt, (time_t) (issued + 366 * G_GINT64_CONSTANT (86400))));
  CHECK (gnutls_x509_crt_set_key (crt, key));
  CHECK (gnutls_x509_crt_set_basic_constraints (crt, 0, -1));
  CHECK (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0));
  CHECK (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem));

  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  gnutls_x509_crt_deinit (crt);

  return text;
}

static BpAccount *
make_account (GRand                *rand,
              gnutls_x509_privkey_t *keys,
              guint                 index,
              gint64                now)
{
  const char *first = first_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_words))];
  const char *second = second_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (second_words))];
  const char *region = regions[g_rand_int_range (rand, 0, G_N_ELEMENTS (regions))];
  const char *purpose = purposes[g_rand_int_range (rand, 0, G_N_ELEMENTS (purposes))];
  gboolean sandbox = g_rand_int_range (rand, 0, 5) == 0;
  g_autofree char *id = random_uuid (rand);
  g_autofree char *company = g_strdup_printf ("%s %s", first, second);
  g_autofree char *name = NULL;
  g_autofree char *slug = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key_tail = random_chars (rand, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._", 80);
  g_autofree char *consumer_key = g_strconcat ("3MVG9", key_tail, NULL);
  g_autofree char *org_tail = random_chars (rand, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10);
  g_autofree char *org_id = g_strconcat ("00D", org_tail, NULL);
  BpAccount *account;
  guint state = g_rand_int_range (rand, 0, 10);

  /* Unique: a service provider numbers its tenants. */
  name = g_strdup_printf ("%s %s (%s) #%05u", company, purpose, region, index + 1);
  slug = g_strdup_printf ("%s-%u", company, index + 1);
  {
    g_autofree char *host = slugify (slug);

    url = g_strdup_printf ("https://%s%s.my.salesforce.com/", host, sandbox ? "--uat.sandbox" : "");
  }

  account = g_object_new (BP_TYPE_SALESFORCE_ACCOUNT,
                          "id", id,
                          "name", name,
                          "is-default", index == 0,
                          "url", url,
                          "sandbox", sandbox,
                          "consumer-key", consumer_key,
                          NULL);

  /* 70 % authorized, 10 % that need a new token, 20 % never authorized. */
  if (state < 8)
    {
      g_autoptr(GDateTime) issued_at = g_date_time_new_from_unix_utc (now - g_rand_int_range (rand, 3600, 200 * 86400));
      g_autofree char *host = slugify (company);
      g_autofree char *user = g_strdup_printf ("integration.%u@%s.example.com", index + 1, host);

      g_object_set (account,
                    "token-state", state < 7 ? BP_TOKEN_STATE_VALID : BP_TOKEN_STATE_NEEDS_NEW_TOKEN,
                    "token-issued-at", issued_at,
                    "authorized-user", user,
                    NULL);
    }

  if (g_rand_int_range (rand, 0, 10) < 7)
    {
      g_autofree char *pem = make_certificate (rand, keys[index % N_KEYS], index, org_id, now);
      g_autofree char *app = random_chars (rand, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 12);
      g_autofree char *login = g_strdup_printf ("%sidp/login?app=0sp%s", url, app);

      g_object_set (account, "idp-certificate", pem, "idp-login-url", login, NULL);
    }
  else
    {
      /* No single sign-on: the form asks for "/" then. */
      g_object_set (account, "idp-login-url", "/", NULL);
    }

  return account;
}

static void
write_store (GPtrArray  *accounts,
             guint       n,
             const char *path)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < n; i++)
    json_array_add_object_element (array, bp_account_to_json (g_ptr_array_index (accounts, i)));

  json_object_set_int_member (root, "version", BP_ACCOUNT_STORE_FORMAT_VERSION);
  json_object_set_array_member (root, "accounts", array);
  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);

  if (!json_generator_to_file (generator, path, &error))
    g_error ("%s: %s", path, error->message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260427);
  gnutls_x509_privkey_t keys[N_KEYS];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint largest = 0;

  if (argc < 3)
    {
      g_printerr ("usage: %s DIR N...\n", argv[0]);
      return 2;
    }

  for (int i = 2; i < argc; i++)
    largest = MAX (largest, (guint) g_ascii_strtoull (argv[i], NULL, 10));

  bp_account_types_ensure ();
  CHECK (gnutls_global_init ());
  for (guint i = 0; i < N_KEYS; i++)
    {
      CHECK (gnutls_x509_privkey_init (&keys[i]));
      CHECK (gnutls_x509_privkey_generate (keys[i], GNUTLS_PK_RSA, 2048, 0));
    }

  for (guint i = 0; i < largest; i++)
    g_ptr_array_add (accounts, make_account (rand, keys, i, now));

  g_mkdir_with_parents (argv[1], 0700);
  for (int i = 2; i < argc; i++)
    {
      guint n = (guint) g_ascii_strtoull (argv[i], NULL, 10);
      g_autofree char *basename = g_strdup_printf ("accounts-%u.json", n);
      g_autofree char *path = g_build_filename (argv[1], basename, NULL);

      write_store (accounts, n, path);
      g_print ("%s\n", path);
    }

  for (guint i = 0; i < N_KEYS; i++)
    gnutls_x509_privkey_deinit (keys[i]);
  gnutls_global_deinit ();

  return 0;
}
