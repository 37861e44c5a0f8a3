/* sd-demo.h: demo mode, a context whose endpoint is a simulator in-process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sd-context.h"
#include "sd-simulator.h"

G_BEGIN_DECLS

/* The one place demo mode starts, for the GUI and the CLI alike: start a
 * simulator, hand its endpoint to the context, and let the simulator take
 * over the tasks an earlier run left unfinished in the demo history (the
 * history outlives the in-process server), so they finish instead of
 * staying unknown to it. */

/* A new context in demo mode; NULL with @error when the simulator cannot
 * start or the demo history cannot be opened. */
SdContext   *sd_demo_context_new   (GError    **error);

/* Switches a running context to demo mode (the welcome page's "Try the
 * demo"). TRUE at once when @context is already in demo mode. */
gboolean     sd_demo_start         (SdContext  *context,
                                    GError    **error);

/* The simulator behind a demo context, or NULL (not in demo mode). */
SdSimulator *sd_demo_get_simulator (SdContext  *context);

G_END_DECLS
