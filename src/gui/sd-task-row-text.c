/* sd-task-row-text.c: what a row of the results list says
 *
 * The words of the row's labels, from the task's values alone: no
 * widget here, so that the row, the tile and the details say the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-task-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sd-task-row-private.h"
#include "sd-utf8.h"

/* Shared with the details and the grid: one word for each status. */
const char *
sd_task_row_get_status_word (SdTaskStatus status)
{
  switch (status)
    {
    case SD_TASK_STATUS_QUEUED:
      return _("Queued");
    case SD_TASK_STATUS_PROCESSING:
      return _("Processing");
    case SD_TASK_STATUS_COMPLETED:
      return _("Completed");
    case SD_TASK_STATUS_FAILED:
      return _("Failed");
    case SD_TASK_STATUS_UNCERTAIN:
      return _("Uncertain: may have been created");
    case SD_TASK_STATUS_NOT_FOUND:
      return _("Unknown to the server");
    case SD_TASK_STATUS_WAITING:
      return _("Waiting to send");
    case SD_TASK_STATUS_UNKNOWN:
    default:
      return _("Unknown status");
    }
}

/* An unsaved video's link is worth a line once it has less than a day. */
#define SD_TASK_ROW_EXPIRY_SOON (24 * 3600)

/* Well over the two lines of 60 average characters the prompt label shows. */
#define PROMPT_SHOWN_CHARS 200

char *
_sd_task_row_format_prompt (SdRequest *request)
{
  const char *prompt = request != NULL ? sd_request_get_prompt (request) : NULL;

  if (prompt == NULL || *prompt == '\0')
    return g_strdup (_("No prompt"));

  /* The label shows two lines of at most 60 characters, but pango shapes
   * the whole text to ellipsize it: it is given no more than would fit. */
  return g_strdelimit (sd_utf8_ellipsize (prompt, PROMPT_SHOWN_CHARS), "\n\r\t", ' ');
}

char *
_sd_task_row_format_failure (const char *message)
{
  /* Shown with gtk_label_set_text semantics: the server's words, verbatim. */
  if (message == NULL || *message == '\0')
    return g_strdup (_("The service gave no reason."));

  return g_strdup (message);
}

/* How long a task has run, in words: "10 s", "2 min 10 s", "1 h 5 min". */
static char *
format_elapsed (gint64 seconds)
{
  seconds = MAX (seconds, 0);
  if (seconds >= 3600)
    /* Translators: how long a task has run, such as "1 h 5 min" */
    return g_strdup_printf (_("%d h %d min"), (int) (seconds / 3600), (int) (seconds / 60 % 60));
  if (seconds >= 60)
    /* Translators: how long a task has run, such as "2 min 10 s" */
    return g_strdup_printf (_("%d min %d s"), (int) (seconds / 60), (int) (seconds % 60));

  /* Translators: how long a task has run, such as "10 s" */
  return g_strdup_printf (_("%d s"), (int) seconds);
}

static char *
format_time (gint64 unix_time,
             gint64 now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);
  g_autofree char *clock = NULL;
  int days_ago;

  if (time == NULL || today == NULL)
    return g_strdup ("");

  clock = g_date_time_format (time, "%H:%M");
  days_ago = g_date_time_get_day_of_year (today) - g_date_time_get_day_of_year (time);
  if (g_date_time_get_year (today) == g_date_time_get_year (time) && days_ago == 0)
    /* Translators: a task's time, such as "Today 14:02" */
    return g_strdup_printf (_("Today %s"), clock);
  if (g_date_time_get_year (today) == g_date_time_get_year (time) && days_ago == 1)
    /* Translators: a task's time, such as "Yesterday 14:02" */
    return g_strdup_printf (_("Yesterday %s"), clock);

  /* Translators: a strftime format for a task's date and time, such as "3 Nov 14:02" */
  /* xgettext:no-c-format */
  return g_date_time_format (time, _("%e %b %H:%M"));
}

/* The clock time alone today, else the day too. */
static char *
format_submitted (gint64 created_at,
                  gint64 now)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (created_at);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (time != NULL && today != NULL &&
      g_date_time_get_year (time) == g_date_time_get_year (today) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (today))
    /* Translators: a strftime format for the time a task was sent today, such as "21:33" */
    /* xgettext:no-c-format */
    return g_date_time_format (time, _("%H:%M"));

  return format_time (created_at, now);
}

char *
_sd_task_row_format_meta (SdTaskStatus  status,
               int           progress,
               gint64        created_at,
               SdRequest    *request,
               const char   *model_name,
               gint64        now)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *ratio = request != NULL ? sd_request_get_ratio (request) : NULL;
  int duration = request != NULL ? sd_request_get_duration (request) : 0;

  g_ptr_array_add (parts, g_strdup (sd_task_row_get_status_word (status)));
  if (status == SD_TASK_STATUS_QUEUED || status == SD_TASK_STATUS_PROCESSING)
    {
      g_autofree char *when = format_submitted (created_at, now);

      if (progress >= 0)
        /* Translators: the server's progress of a task, such as "42 %" */
        g_ptr_array_add (parts, g_strdup_printf (_("%d %%"), progress));
      /* Counted from submission, which the history keeps: not from start-up. */
      g_ptr_array_add (parts, format_elapsed (now - created_at));
      /* Translators: when a running task was sent, such as "submitted 21:33" */
      g_ptr_array_add (parts, g_strdup_printf (_("submitted %s"), when));
    }
  else
    g_ptr_array_add (parts, format_time (created_at, now));

  if (model_name != NULL && *model_name != '\0')
    g_ptr_array_add (parts, g_strdup (model_name));
  if (ratio != NULL && *ratio != '\0')
    g_ptr_array_add (parts, g_strdup (ratio));
  if (duration > 0)
    /* Translators: a video's duration in seconds, such as "5 s" */
    g_ptr_array_add (parts, g_strdup_printf (_("%d s"), duration));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static char *
format_expiry (gint64 remaining)
{
  gint64 days = remaining / (24 * 3600);
  gint64 hours = remaining / 3600;
  gint64 minutes = MAX (remaining / 60, 1);

  if (days >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d day",
                                         "Link expires in %d days", days), (int) days);
  if (hours >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d hour",
                                         "Link expires in %d hours", hours), (int) hours);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Link expires in %d minute",
                                       "Link expires in %d minutes", minutes), (int) minutes);
}

/* A saved copy needs nothing: where it is, is in the details. */
char *
_sd_task_row_format_attention (const char      *local_file,
                    gint64           expires_at,
                    SdDownloadState  state,
                    const char      *download_error,
                    gint64           now)
{
  g_autofree char *expiry = NULL;

  if (local_file != NULL)
    return g_strdup ("");
  if (state == SD_DOWNLOAD_STATE_RUNNING)
    return g_strdup (_("Saving…"));
  if (state == SD_DOWNLOAD_STATE_QUEUED)
    return g_strdup (_("Waiting to save…"));
  if (expires_at <= 0)
    return g_strdup ("");
  if (now >= expires_at || state == SD_DOWNLOAD_STATE_EXPIRED)
    return g_strdup (_("Link expired"));

  expiry = format_expiry (expires_at - now);
  if (state == SD_DOWNLOAD_STATE_FAILED && download_error != NULL)
    /* Translators: the first %s is why saving failed, the second "Link expires in 2 days" */
    return g_strdup_printf (_("Could not save: %s · %s"), download_error, expiry);
  if (expires_at - now > SD_TASK_ROW_EXPIRY_SOON)
    return g_strdup ("");

  return g_steal_pointer (&expiry);
}
