/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-fuzz"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "bp-crypto.h"
#include "bp-fuzz.h"

/* A critical or a warning, from our code or from a library we call (json-glib,
 * GnuTLS through us), is a bug the fuzzer found. GLib ends a fatal message
 * with a breakpoint (SIGTRAP), which libFuzzer does not catch: it would end
 * without saving the input. abort() is a crash it saves. */
static void
log_and_abort_cb (const char     *log_domain,
                  GLogLevelFlags  log_level,
                  const char     *message,
                  gpointer        user_data)
{
  g_log_default_handler (log_domain, log_level, message, user_data);

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
}

void
bp_fuzz_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* Deterministic: no translations, no login host from the environment,
       * no keyring or portal (the targets never reach them anyway). */
      setlocale (LC_ALL, "C");
      g_unsetenv ("BP_SALESFORCE_LOGIN_URL");
      g_log_set_default_handler (log_and_abort_cb, NULL);
      /* GnuTLS's code is linked in (tests/fuzz/meson.build), not loaded. */
      bp_crypto_use_linked_table ((const BpCrypto *) bp_crypto_module_get_table ());
      g_once_init_leave (&initialized, 1);
    }
}

char *
bp_fuzz_dup_input (const uint8_t *data,
                   size_t         size)
{
  char *copy = g_malloc (size + 1);

  if (size > 0)
    memcpy (copy, data, size);
  copy[size] = '\0';

  return copy;
}
