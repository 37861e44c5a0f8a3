/* sd-window-notices.c: the window's notice bar, and the conditions it
 * follows itself
 *
 * One sentence a kind (the startup kind keeps a list of them), shown the
 * first kind first; a dismissed sentence stays away until it changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-service.h"
#include "sd-window-private.h"

struct _SdWindowNotices
{
  SdNoticeBar  *bar;                      /* the window's template child */
  SdContext    *context;                  /* NULL until it follows one */
  SdService    *service;                  /* the context's, followed */
  GPtrArray    *texts[SD_N_NOTICES];      /* of sentences not dismissed yet */
  char         *dismissed[SD_N_NOTICES];  /* stays away until it changes */
  SdNoticeKind  shown;                    /* SD_N_NOTICES: none */
};

typedef struct
{
  const char *button_label;
  const char *action_name;
} NoticeButton;

/* The one action that helps with each condition; none for what the user
 * can only take note of. */
static const NoticeButton notice_buttons[SD_N_NOTICES] = {
  [SD_NOTICE_ADDRESS] = { N_("_Preferences"), "app.preferences" },
  [SD_NOTICE_TOKEN] = { N_("_Set Token"), "app.preferences" },
  [SD_NOTICE_OFFLINE] = { N_("_Try Again"), "win.retry-connection" },
  [SD_NOTICE_NO_UPLOADS] = { N_("_Preferences"), "app.preferences" },
  [SD_NOTICE_UPLOAD_CACHE] = { NULL, NULL },
  [SD_NOTICE_STARTUP] = { NULL, NULL },
  [SD_NOTICE_DEMO] = { N_("_Leave Demo"), "app.leave-demo" },
};

SdWindowNotices *
_sd_window_notices_new (SdNoticeBar *bar)
{
  SdWindowNotices *self = g_new0 (SdWindowNotices, 1);

  self->bar = bar;
  for (guint i = 0; i < SD_N_NOTICES; i++)
    self->texts[i] = g_ptr_array_new_with_free_func (g_free);
  self->shown = SD_N_NOTICES;
  return self;
}

void
_sd_window_notices_free (SdWindowNotices *self)
{
  if (self->context != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->context, self);
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_signal_handlers_disconnect_by_data (sd_service_get_tasks (self->service), self);
      g_clear_object (&self->service);
      g_clear_object (&self->context);
    }
  for (guint i = 0; i < SD_N_NOTICES; i++)
    {
      g_clear_pointer (&self->texts[i], g_ptr_array_unref);
      g_clear_pointer (&self->dismissed[i], g_free);
    }
  g_free (self);
}

static void
update_bar (SdWindowNotices *self)
{
  for (guint kind = 0; kind < SD_N_NOTICES; kind++)
    {
      GPtrArray *texts = self->texts[kind];
      const NoticeButton *button = &notice_buttons[kind];

      if (texts->len == 0)
        continue;
      self->shown = kind;
      sd_notice_bar_show (self->bar, g_ptr_array_index (texts, 0),
                          button->button_label != NULL ? _(button->button_label) : NULL,
                          button->action_name);
      return;
    }

  self->shown = SD_N_NOTICES;
  sd_notice_bar_hide (self->bar);
}

void
_sd_window_notices_set (SdWindowNotices *self,
                        SdNoticeKind     kind,
                        const char      *text)
{
  GPtrArray *texts = self->texts[kind];

  if (text == NULL)
    {
      g_ptr_array_set_size (texts, 0);
      g_clear_pointer (&self->dismissed[kind], g_free);
    }
  else if (kind == SD_NOTICE_STARTUP)
    g_ptr_array_add (texts, g_strdup (text));
  else if (g_strcmp0 (text, self->dismissed[kind]) != 0 &&
           (texts->len == 0 || g_strcmp0 (g_ptr_array_index (texts, 0), text) != 0))
    {
      g_ptr_array_set_size (texts, 0);
      g_ptr_array_add (texts, g_strdup (text));
    }
  update_bar (self);
}

void
_sd_window_notices_dismiss_shown (SdWindowNotices *self)
{
  SdNoticeKind kind = self->shown;

  if (kind == SD_N_NOTICES || self->texts[kind]->len == 0)
    return;

  g_free (self->dismissed[kind]);
  self->dismissed[kind] = g_ptr_array_steal_index (self->texts[kind], 0);
  update_bar (self);
}

/* The conditions the window follows itself. */
static void
follow_address (SdWindowNotices *self)
{
  _sd_window_notices_set (self, SD_NOTICE_ADDRESS, sd_context_get_base_url_error (self->context));
}

static void
follow_service (SdWindowNotices *self)
{
  SdService *service = self->service;
  const char *error = sd_service_get_last_error (service);
  g_autoptr(GPtrArray) waiting = NULL;
  g_autofree char *text = NULL;

  /* a refused address pauses the service too: it is said once, above */
  if (sd_context_get_base_url_error (self->context) != NULL)
    error = NULL;
  /* the queue stops with it: what waits is kept, not lost */
  if (error != NULL && (waiting = sd_service_get_waiting (service)) != NULL && waiting->len > 0)
    text = g_strdup_printf ("%s %s", error,
                            _("Tasks waiting to be sent are kept, and sent once the server "
                              "accepts the token."));
  _sd_window_notices_set (self, SD_NOTICE_TOKEN, text != NULL ? text : error);
  _sd_window_notices_set (self, SD_NOTICE_OFFLINE,
                          sd_service_get_online (service) ? NULL
                          : _("You are offline: nothing can be generated now, and running tasks "
                              "are checked again when the connection is back."));
}

static void
follow_demo (SdWindowNotices *self)
{
  const char * const *notices = sd_context_get_notices (self->context);
  GPtrArray *startup = self->texts[SD_NOTICE_STARTUP];

  /* the demo makes some (a missing keyring) moot: the context drops them */
  for (guint i = startup->len; i > 0; i--)
    if (notices == NULL || !g_strv_contains (notices, g_ptr_array_index (startup, i - 1)))
      g_ptr_array_remove_index (startup, i - 1);

  _sd_window_notices_set (self, SD_NOTICE_DEMO,
                          sd_context_get_demo (self->context)
                          ? _("Demo mode: the built-in simulator makes the videos; nothing reaches "
                              "the real service and nothing is billed.")
                          : NULL);
}

/**
 * _sd_window_notices_follow:
 *
 * From now on the bar follows @context's address, its service's token,
 * network and queue, and the demo mode.
 */
void
_sd_window_notices_follow (SdWindowNotices *self,
                           SdContext       *context)
{
  SdService *service = sd_context_get_service (context);

  g_return_if_fail (self->context == NULL);

  self->context = g_object_ref (context);
  self->service = g_object_ref (service);
  g_signal_connect_swapped (context, "notify::base-url-error", G_CALLBACK (follow_address), self);
  g_signal_connect_swapped (context, "notify::base-url-error", G_CALLBACK (follow_service), self);
  g_signal_connect_swapped (context, "notify::demo", G_CALLBACK (follow_demo), self);
  g_signal_connect_swapped (service, "notify::online", G_CALLBACK (follow_service), self);
  g_signal_connect_swapped (service, "notify::last-error", G_CALLBACK (follow_service), self);
  /* tasks queued or cancelled while the token is refused */
  g_signal_connect_swapped (sd_service_get_tasks (service), "items-changed",
                            G_CALLBACK (follow_service), self);
  follow_address (self);
  follow_service (self);
  follow_demo (self);
}

/* What the start found stays in the bar until dismissed, one sentence at
 * a time; the refused address has its own notice. */
void
_sd_window_notices_add_startup (SdWindowNotices *self,
                                SdContext       *context)
{
  const char * const *notices = sd_context_get_notices (context);
  const char *address_error = sd_context_get_base_url_error (context);

  for (guint i = 0; notices != NULL && notices[i] != NULL; i++)
    if (g_strcmp0 (notices[i], address_error) != 0)
      _sd_window_notices_set (self, SD_NOTICE_STARTUP, notices[i]);
}
