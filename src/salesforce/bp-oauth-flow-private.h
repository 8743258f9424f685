/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-oauth-flow.h"

G_BEGIN_DECLS

/* Tests only: the IPv6 loopback address to bind beside 127.0.0.1 ("::1").
 * An address that cannot be bound here simulates a machine without IPv6
 * loopback; %NULL restores "::1". */
void bp_oauth_flow_set_ipv6_address_for_testing (BpOAuthFlow *self,
                                                 const char  *address);

G_END_DECLS
