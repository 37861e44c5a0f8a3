/* sd-media-probe-threads.c: the threads a media checker's probes run on
 *
 * Each thread owns a GMainContext, pushed as its thread-default for its
 * whole life, and a SoupSession made and used there only (libsoup's rule:
 * a session belongs to one thread). A probe is handed over with an idle
 * source on the thread's context; sd_media_probe_async() runs there (its
 * timeout, its discoverer and its session's I/O all on that context), and
 * its answer goes back through the caller's GTask, which g_task_return_*()
 * delivers on the caller's context. The caller's GCancellable is shared:
 * cancelling it on the caller's thread reaches the probe through the
 * probe's own "cancelled" handler, which moves to the probe's context.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sd-media-check"

#include "config.h"

#include <libsoup/soup.h>

#include "sd-media-probe-threads.h"
#include "sd-tls-database.h"

#define MAX_THREADS 4

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupSession  *session; /* the thread's own */
} ProbeThread;

struct _SdProbeThreads
{
  ProbeThread threads[MAX_THREADS];
  guint       n_threads;
  guint       started;
  guint       next;
};

typedef struct
{
  GTask           *task;   /* the caller's */
  ProbeThread     *thread;
  char            *uri;
  SdMediaKind      expected;
  GTlsCertificate *loopback_certificate;
  guint            timeout_ms;
} ProbeJob;

static void
probe_job_free (ProbeJob *job)
{
  g_clear_object (&job->task);
  g_clear_object (&job->loopback_certificate);
  g_free (job->uri);
  g_free (job);
}

/* Links of one request often share a host: let them all go at once. The
 * process's one trust database: the system's store is read once, not
 * again for every connection (see sd-tls-database.h). */
static SoupSession *
new_probe_session (void)
{
  return soup_session_new_with_options ("max-conns", 64,
                                        "tls-database", sd_tls_database_get_default (),
                                        "max-conns-per-host", 24,
                                        "timeout", 30,
                                        "user-agent", "SeedanceStudio/" PACKAGE_VERSION " ",
                                        NULL);
}

static gpointer
probe_thread_main (gpointer data)
{
  ProbeThread *thread = data;

  g_main_context_push_thread_default (thread->context);
  thread->session = new_probe_session ();
  g_main_loop_run (thread->loop);

  /* what cancelled probes still have to say, then the session's end */
  soup_session_abort (thread->session);
  while (g_main_context_iteration (thread->context, FALSE))
    ;
  g_clear_object (&thread->session);
  while (g_main_context_iteration (thread->context, FALSE))
    ;
  g_main_context_pop_thread_default (thread->context);
  return NULL;
}

SdProbeThreads *
_sd_probe_threads_new (void)
{
  SdProbeThreads *self = g_new0 (SdProbeThreads, 1);

  self->n_threads = CLAMP (g_get_num_processors (), 2, MAX_THREADS);
  return self;
}

static gboolean
quit_loop_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

void
_sd_probe_threads_free (SdProbeThreads *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->started; i++)
    {
      ProbeThread *thread = &self->threads[i];

      /* from the thread's own loop: a quit before it runs would be lost */
      g_main_context_invoke (thread->context, quit_loop_cb, thread->loop);
      g_thread_join (thread->thread);
      g_main_loop_unref (thread->loop);
      g_main_context_unref (thread->context);
    }
  g_free (self);
}

/* The next thread in turn, started when first needed. */
static ProbeThread *
next_thread (SdProbeThreads *self)
{
  guint i = self->next;
  ProbeThread *thread = &self->threads[i];

  self->next = (i + 1) % self->n_threads;
  if (i < self->started)
    return thread;

  thread->context = g_main_context_new ();
  thread->loop = g_main_loop_new (thread->context, FALSE);
  thread->thread = g_thread_new ("sd-media-probe", probe_thread_main, thread);
  self->started++;
  g_debug ("Check: probe thread %u of %u started", self->started, self->n_threads);
  return thread;
}

/* On the probe's thread. */
static void
on_probed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ProbeJob *job = user_data;
  GError *error = NULL;
  SdMediaFacts *facts = sd_media_probe_finish (result, &error);

  if (facts != NULL)
    g_task_return_pointer (job->task, facts, (GDestroyNotify) sd_media_facts_free);
  else
    g_task_return_error (job->task, error);
  probe_job_free (job);
}

/* On the probe's thread. */
static gboolean
start_probe_cb (gpointer user_data)
{
  ProbeJob *job = user_data;

  sd_media_probe_async (job->thread->session, job->uri, job->expected,
                        job->loopback_certificate, job->timeout_ms,
                        g_task_get_cancellable (job->task), on_probed_cb, job);
  return G_SOURCE_REMOVE;
}

void
_sd_probe_threads_probe_async (SdProbeThreads      *self,
                               const char          *uri,
                               SdMediaKind          expected,
                               GTlsCertificate     *loopback_certificate,
                               guint                timeout_ms,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  ProbeJob *job = g_new0 (ProbeJob, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, _sd_probe_threads_probe_async);
  /* the probe's own error (a timeout, a refusal) is the answer, even when
   * the caller cancelled at the same moment: it says so itself */
  g_task_set_check_cancellable (job->task, FALSE);
  job->thread = next_thread (self);
  job->uri = g_strdup (uri);
  job->expected = expected;
  job->loopback_certificate = loopback_certificate != NULL ? g_object_ref (loopback_certificate) : NULL;
  job->timeout_ms = timeout_ms;

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, start_probe_cb, job, NULL);
  g_source_set_static_name (source, "[sd-media-check] probe");
  g_source_attach (source, job->thread->context);
}

SdMediaFacts *
_sd_probe_threads_probe_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
