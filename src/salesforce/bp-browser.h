/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The xdg-utils convention: a command (or a colon-separated list of them). */
#define BP_BROWSER_ENV "BROWSER"

/**
 * bp_browser_open_async:
 * @uri: the URL to open
 * @cancellable: (nullable): a #GCancellable
 *
 * Opens @uri in the user's web browser, never in an embedded view
 * (SALESFORCE.md §3.4). When `$BROWSER` is set, its entries (separated by
 * ':') are tried in turn and the first that starts wins; an entry is split
 * into arguments like a shell would but without a shell, "%s" is replaced
 * by @uri, else @uri is appended as one more argument. Without `$BROWSER`,
 * the desktop's default handler is asked through
 * g_app_info_launch_default_for_uri_async(), which goes through the
 * OpenURI portal inside Flatpak.
 *
 * Fails with %BP_ERROR_BROWSER when nothing could be opened: show the URL
 * with a Copy button instead.
 */
void     bp_browser_open_async  (const char           *uri,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
gboolean bp_browser_open_finish (GAsyncResult         *result,
                                 GError              **error);

G_END_DECLS
