/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <gio/gio.h>
#include <gmodule.h>

#include "bp-module.h"

G_BEGIN_DECLS

/*
 * The interface between BpSecretStore (src/core/bp-secret-store.c) and
 * bp-keyring, the module of ours that holds everything that calls libsecret
 * (bp-keyring-service.c, bp-keyring-portal.c). The module is loaded the first
 * time a secret is looked up, stored or cleared (bp-keyring-loader.c says
 * why); nothing else includes libsecret.
 *
 * BpSecretStore keeps what does not need libsecret: its public API, the
 * choice of backend (BP_SECRET_BACKEND), and the deadline of every call. The
 * module does one call at a time on the task it is handed: its source object
 * is the BpSecretStore, its cancellable the one the deadline cancels; a
 * lookup returns the secret as a pointer (freed with bp_keyring_secret_free()),
 * a store or clear a boolean, failures in BP_ERROR.
 *
 * The module exports one function, BP_KEYRING_ENTRY_POINT, which returns its
 * table. Change BP_KEYRING_VERSION whenever the table changes, so that an old
 * module left in the install directory is refused instead of called.
 */

#define BP_KEYRING_VERSION 1
#define BP_KEYRING_ENTRY_POINT "bp_keyring_module_get_table"

/* One BpSecretStore's side in the module: which backend, and the Secret
 * Service proxy with its session once a call has opened them. */
typedef struct _BpKeyringSession BpKeyringSession;

typedef struct
{
  /* sizeof (BpKeyring) and BP_KEYRING_VERSION of the module's build. */
  BpModuleTable header;

  /* @uses_portal: libsecret's simple API (the Secret portal in Flatpak)
   * instead of the Secret Service. */
  BpKeyringSession *(*session_new)            (gboolean          uses_portal);
  void              (*session_free)           (BpKeyringSession *session);
  /* Drops the service proxy: the next call opens a new session (after a
   * deadline passed, the service may be gone or restarted). */
  void              (*session_forget_service) (BpKeyringSession *session);

  /* Whether an unlock prompt is open (the deadline waits meanwhile). Main
   * thread only, as prompting is. */
  gboolean          (*is_prompting)           (void);

  /* Each takes over @task. */
  void              (*lookup)                 (BpKeyringSession *session,
                                               GTask            *task,
                                               const char       *account_id,
                                               const char       *kind);
  void              (*store)                  (BpKeyringSession *session,
                                               GTask            *task,
                                               const char       *account_id,
                                               const char       *kind,
                                               const char       *label,
                                               const char       *secret);
  /* @kind NULL: every item of the account. */
  void              (*clear)                  (BpKeyringSession *session,
                                               GTask            *task,
                                               const char       *account_id,
                                               const char       *kind);
} BpKeyring;

/* The module's own entry point (BP_KEYRING_ENTRY_POINT). */
G_MODULE_EXPORT const BpModuleTable *bp_keyring_module_get_table (void);

/* In the application (bp-keyring-loader.c). */
const BpKeyring *bp_keyring_get (GError **error);

/* Wipes and frees a secret; both sides use it (bp_secret_free()). */
static inline void
bp_keyring_secret_free (char *secret)
{
  volatile char *p;
  gsize length;

  if (secret == NULL)
    return;

  /* Through a volatile pointer, so the compiler cannot drop the stores. */
  p = (volatile char *) secret;
  length = strlen (secret);
  while (length-- > 0)
    *p++ = '\0';

  g_free (secret);
}

G_END_DECLS
